import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { z } from 'zod';

import '../../functions/index.js';
import { devIssuerUrl, loadConfig, type AppConfig } from '../../shared/config/app-config.js';
import { AppError } from '../../shared/errors/app-error.js';
import { resolveInside } from '../../shared/fs/safe-path.js';
import { createLogger, type Logger } from '../../shared/logging/logger.js';
import {
  listHttpFunctions,
  listQueueFunctions,
  listTimerFunctions,
  type HttpFunctionDefinition,
  type TimerRunRequest,
} from '../../shared/registry/function-registry.js';
import { installServices } from '../../shared/runtime/services.js';
import { createLocalServices, type LocalServices } from './local-services.js';
import { startLocalHttpServer } from './local-http-server.js';
import {
  startTimerScheduler,
  type TimerRunOutcome,
  type TimerScheduler,
} from './timer-scheduler.js';

/** The package root: the nearest folder above this module holding `package.json`. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolveInside(dir, 'package.json')) && dirname(dir) !== dir)
    dir = dirname(dir);
  return dir;
}

/** The repository's copy of the public finance datasets (same path from source and `dist/`). */
export const FINANCE_DATA_DIR = resolveInside(packageRoot(), 'data', 'finance');

export interface LocalHostOptions {
  /** Variables layered over `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** 0 picks a free port (tests). Defaults to EDS_PORT or 7071, as the Functions host. */
  readonly port?: number;
  readonly inMemoryStore?: boolean;
  readonly skipSeed?: boolean;
  readonly financeDir?: string;
  /** Run timers on their schedules (default) or only on demand (tests). */
  readonly scheduleTimers?: boolean;
  /** Run the audit store on its own thread (default) or on the host's (tests on the sources). */
  readonly auditStoreThread?: boolean;
}

export interface LocalHost {
  readonly port: number;
  readonly baseUrl: string;
  readonly config: AppConfig;
  readonly services: LocalServices;
  readonly timers: TimerScheduler;
  readonly logger: Logger;
  close(): Promise<void>;
}

function adminRunDefinition(
  runTimer: (name: string, requested: TimerRunRequest) => Promise<TimerRunOutcome>,
): HttpFunctionDefinition {
  const resourceOf = (name: string): string => `function:${name}`;
  // Only a timer that exists is named: a made-up name is the caller's text, not a function.
  const timerNames = new Set(listTimerFunctions().map((timer) => timer.name));
  const auditTarget = (params: unknown) => {
    const { name } = params as { name: string };
    return timerNames.has(name) ? resourceOf(name) : undefined;
  };
  return {
    name: 'admin-run-function',
    capability: 'admin',
    route: 'admin/functions/{name}',
    methods: ['POST'],
    access: { permission: 'jobs:run' },
    summary: 'Runs a timer function now, as the Functions host admin API does',
    params: z.object({ name: z.string().regex(/^[a-z]+(-[a-z]+)+$/) }).strict(),
    auditTarget,
    handler: async ({ params, principal, correlationId }) => {
      const { name } = params as { name: string };
      const actor = principal?.id ?? 'anonymous';
      const outcome = await runTimer(name, { actor, correlationId });
      if (outcome === 'not_found') throw new AppError('HTTP_NOT_FOUND', 'no such timer function');
      if (outcome === 'already_running') {
        throw new AppError('DATA_CONFLICT', 'timer function already running', {
          publicMessage: 'A run of this function is in progress; ask again once it has ended.',
        });
      }
      // The run's own failure is the answer too: a caller is never told a failed run went well.
      if (outcome === 'failed') throw new AppError('INTERNAL', 'timer function failed');
      return { status: 202, auditResource: resourceOf(name) };
    },
  };
}

/**
 * Starts the local host: one process serving every HTTP function under `/api`, the admin
 * endpoint, timers on their schedules and queue functions, over the embedded defaults.
 */
export async function startLocalHost(options: LocalHostOptions = {}): Promise<LocalHost> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...options.env,
    EDS_LOCAL_HOST: 'true',
  };
  const preliminary = loadConfig(env);
  const logger = createLogger(preliminary.logLevel);
  let timers: TimerScheduler | undefined;
  const http = await startLocalHttpServer({
    host: '127.0.0.1',
    port: options.port ?? preliminary.port,
    definitions: listHttpFunctions(),
    maxBodyBytes: preliminary.maxBodyBytes,
    corsOrigins: preliminary.corsOrigins,
    adminDefinitions: [
      adminRunDefinition(
        (name, requested) => timers?.runNow(name, requested) ?? Promise.resolve('not_found'),
      ),
    ],
    // No function ran, so nothing audits these; the log keeps them, as the Functions host's does.
    onRefused: (refusal) => {
      // A host failure is an error; a 501 for a client's transfer coding is the client's doing.
      if (refusal.code === 'INTERNAL') logger.error('host.request_refused', refusal);
      else logger.info('host.request_refused', refusal);
    },
  });
  try {
    // The issuer is left to `loadConfig`, as `npm run token` leaves it, so both name the same one
    // (under EDS_PUBLIC_BASE_URL when set); its keys are fetched over loopback whatever it says.
    const config = loadConfig({
      ...env,
      EDS_PORT: String(http.port),
      EDS_JWKS_URI:
        env['EDS_JWKS_URI'] ??
        `${devIssuerUrl(`http://127.0.0.1:${http.port}`, preliminary.tenantId)}/discovery/keys`,
    });
    const building = createLocalServices({
      config,
      logger,
      financeDir: options.financeDir ?? FINANCE_DATA_DIR,
      queueHandlers: listQueueFunctions(),
      ...(options.inMemoryStore === undefined ? {} : { inMemoryStore: options.inMemoryStore }),
      ...(options.skipSeed === undefined ? {} : { skipSeed: options.skipSeed }),
      ...(options.auditStoreThread === undefined
        ? {}
        : { auditStoreThread: options.auditStoreThread }),
    });
    installServices(() => building);
    const services = await building;
    timers = startTimerScheduler(listTimerFunctions(), logger, {
      onSchedule: options.scheduleTimers ?? true,
    });
    const activeTimers = timers;
    return {
      port: http.port,
      baseUrl: config.baseUrl,
      config,
      services,
      timers: activeTimers,
      logger,
      async close() {
        await http.close();
        await activeTimers.stop();
        await services.close();
      },
    };
  } catch (error) {
    await http.close();
    throw error;
  }
}
