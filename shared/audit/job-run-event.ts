import { randomUUID } from 'node:crypto';

import type { TimerRunRequest } from '../registry/function-registry.js';

/**
 * Who and which correlation id a timer job's `security.event` named `name` carries: the caller's
 * and its request's when the run was asked for on demand, else `system` under a new id.
 */
export function jobRunEvent(name: string, requested: TimerRunRequest | undefined) {
  return {
    type: 'security.event',
    name,
    actor: requested?.actor ?? 'system',
    correlationId: requested?.correlationId ?? randomUUID(),
  } as const;
}
