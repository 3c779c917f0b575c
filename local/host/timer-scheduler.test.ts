import { describe, expect, it } from 'vitest';

import { createLogger } from '../../shared/logging/logger.js';
import type {
  TimerFunctionDefinition,
  TimerRunRequest,
} from '../../shared/registry/function-registry.js';
import { startTimerScheduler } from './timer-scheduler.js';

/** A timer whose runs wait until released, recording who asked for each. */
function heldTimer() {
  const callers: (TimerRunRequest | undefined)[] = [];
  let release: (outcome?: Error) => void = () => undefined;
  const timer: TimerFunctionDefinition = {
    name: 'test-held-timer',
    capability: 'test',
    schedule: '0 0 0 1 1 *',
    handler: (requested) => {
      callers.push(requested);
      return new Promise<void>((resolve, reject) => {
        release = (error) => (error === undefined ? resolve() : reject(error));
      });
    },
  };
  return { timer, callers, release: (error?: Error) => release(error) };
}

const silent = createLogger('silent');

describe('timer scheduler, runs on demand', () => {
  it('starts no second run while one is going, and tells the second caller so', async () => {
    const held = heldTimer();
    const timers = startTimerScheduler([held.timer], silent, { onSchedule: false });
    const first = timers.runNow('test-held-timer', { actor: 'a', correlationId: 'c-a' });
    expect(await timers.runNow('test-held-timer', { actor: 'b', correlationId: 'c-b' })).toBe(
      'already_running',
    );
    held.release();
    expect(await first).toBe('completed');
    expect(held.callers).toEqual([{ actor: 'a', correlationId: 'c-a' }]);
    await timers.stop();
  });

  it('reports a run that threw as failed, and a name no timer has as not found', async () => {
    const held = heldTimer();
    const timers = startTimerScheduler([held.timer], silent, { onSchedule: false });
    const run = timers.runNow('test-held-timer');
    held.release(new Error('store down'));
    expect(await run).toBe('failed');
    expect(await timers.runNow('no-such-timer')).toBe('not_found');
    await timers.stop();
  });
});
