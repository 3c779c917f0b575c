import { CronExpressionParser } from 'cron-parser';

import { errorCodeOf } from '../../shared/errors/error-code.js';
import { errorNameOf } from '../../shared/errors/error-name.js';
import type { Logger } from '../../shared/logging/logger.js';
import type {
  TimerFunctionDefinition,
  TimerRunRequest,
} from '../../shared/registry/function-registry.js';

/**
 * How a run ended; `not_found` when no timer function has the name, `already_running` when a run
 * of it was going (not joined: its audit events are its own caller's, not this one's).
 */
export type TimerRunOutcome = 'completed' | 'failed' | 'not_found' | 'already_running';

export interface TimerScheduler {
  /**
   * Runs a timer function now, as `POST /admin/functions/<name>` does in the Functions host, and
   * tells how the run ended. While a run of it is going, none is started and none joined.
   */
  runNow(name: string, requested?: TimerRunRequest): Promise<TimerRunOutcome>;
  stop(): Promise<void>;
}

/**
 * Runs timer functions on their NCRONTAB schedules (six fields, seconds first, UTC) and on
 * demand. A run still going when its next tick comes is not overlapped, as in the host.
 */
export function startTimerScheduler(
  timers: readonly TimerFunctionDefinition[],
  logger: Logger,
  options: { readonly onSchedule?: boolean } = {},
): TimerScheduler {
  const handles = new Map<string, NodeJS.Timeout>();
  const running = new Map<string, Promise<'completed' | 'failed'>>();
  let stopped = false;

  async function run(
    timer: TimerFunctionDefinition,
    requested?: TimerRunRequest,
  ): Promise<'completed' | 'failed'> {
    const current = running.get(timer.name);
    if (current !== undefined) return current;
    const started = performance.now();
    const task = timer
      .handler(requested)
      .then(() => {
        logger.info('timer.completed', {
          function: timer.name,
          durationMs: Math.round(performance.now() - started),
        });
        return 'completed' as const;
      })
      .catch((error: unknown) => {
        logger.error('timer.failed', {
          function: timer.name,
          code: errorCodeOf(error),
          errorName: errorNameOf(error) ?? 'unknown',
        });
        return 'failed' as const;
      })
      .finally(() => running.delete(timer.name));
    running.set(timer.name, task);
    return task;
  }

  function schedule(timer: TimerFunctionDefinition): void {
    if (stopped) return;
    const next = CronExpressionParser.parse(timer.schedule, { tz: 'UTC' }).next().getTime();
    const delay = Math.max(0, Math.min(next - Date.now(), 2_147_483_647));
    const handle = setTimeout(() => {
      void run(timer).finally(() => schedule(timer));
    }, delay);
    handle.unref();
    handles.set(timer.name, handle);
  }

  // Off, timers run only on demand: tests drive them through the admin endpoint, so a
  // scheduled run never races the run a test is asserting on.
  if (options.onSchedule !== false) {
    for (const timer of timers) {
      schedule(timer);
      if (timer.runOnStartup === true) void run(timer);
    }
  }

  return {
    async runNow(name, requested) {
      const timer = timers.find((t) => t.name === name);
      if (timer === undefined) return 'not_found';
      return running.has(name) ? 'already_running' : run(timer, requested);
    },
    async stop() {
      stopped = true;
      for (const handle of handles.values()) clearTimeout(handle);
      await Promise.all([...running.values()]);
    },
  };
}
