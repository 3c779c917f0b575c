import { startBanner } from './start-banner.js';
import { startLocalHost } from './start-local-host.js';

/**
 * `npm start`: the local host on the embedded defaults. Ctrl-C stops it cleanly: requests in
 * flight finish, the queue drains, the audit trail checkpoints, and the store closes.
 */
async function main(): Promise<void> {
  const host = await startLocalHost();
  const { config, services } = host;
  process.stdout.write(startBanner(config, services.seedReport !== undefined, process.env));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    host.logger.info('host.stopping', { reason: signal });
    host
      .close()
      .then(() => host.logger.info('host.stopped', {}))
      .catch(() => {
        host.logger.error('host.stop_failed', {});
        process.exitCode = 1;
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `EDS local host failed to start: ${error instanceof Error ? error.message : 'unknown error'}\n`,
  );
  process.exitCode = 1;
});
