import { startLocalHost } from './start-local-host.js';

/**
 * `npm start`: the local host on the embedded defaults. Ctrl-C stops it cleanly: requests in
 * flight finish, the queue drains, the audit trail checkpoints, and the store closes.
 */
async function main(): Promise<void> {
  const host = await startLocalHost();
  const { config, services } = host;
  const seed = services.seedReport === undefined ? 'no seed' : 'finance data ready';
  const tokenCommand = 'npm run -s token -- --role EDS.Analyst --division DC';
  const awardsUrl = `${config.baseUrl}/api/v1/awards`;
  const lines = [
    '',
    `EDS local host listening on ${config.baseUrl}/api`,
    `  issuer:   ${config.issuer}`,
    `  data:     ${config.dataDir} (${seed})`,
    `  token:    npm run token -- --role EDS.Analyst --division DC`,
    `  try:      curl -H "Authorization: Bearer $(${tokenCommand})" ${awardsUrl}`,
    `  api:      ${config.baseUrl}/api/v1/openapi.json`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
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
