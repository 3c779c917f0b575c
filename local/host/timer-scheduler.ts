import { CronExpressionParser } from 'cron-parser';

import type { Logger } from '../../shared/logging/logger.js';
import type { TimerFunctionDefinition } from '../../shared/registry/function-registry.js';

export interface TimerScheduler {
  /** Runs a timer function now, as `POST /admin/functions/<name>` does in the Functions host. */
  runNow(name: string): Promise<boolean>;
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
  const running = new Map<string, Promise<void>>();
  let stopped = false;

  async function run(timer: TimerFunctionDefinition): Promise<void> {
    const current = running.get(timer.name);
    if (current !== undefined) return current;
    const started = performance.now();
    const task = timer
      .handler()
      .then(() =>
        logger.info('timer.completed', {
          function: timer.name,
          durationMs: Math.round(performance.now() - started),
        }),
      )
      .catch((error: unknown) =>
        logger.error('timer.failed', {
          function: timer.name,
          errorName: error instanceof Error ? error.name : 'unknown',
        }),
      )
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
    async runNow(name) {
      const timer = timers.find((t) => t.name === name);
      if (timer === undefined) return false;
      await run(timer);
      return true;
    },
    async stop() {
      stopped = true;
      for (const handle of handles.values()) clearTimeout(handle);
      await Promise.all([...running.values()]);
    },
  };
}
