import { randomUUID } from 'node:crypto';

import type { Logger } from '../../shared/logging/logger.js';
import type { QueueFunctionDefinition } from '../../shared/registry/function-registry.js';
import type { MessageSender } from '../../shared/runtime/services.js';

export interface DeadLetter {
  readonly queueName: string;
  readonly messageId: string;
  readonly deliveryCount: number;
  readonly reason: string;
}

export interface InProcessQueue extends MessageSender {
  /** Resolves when every queued message has been handled or dead-lettered. */
  drain(): Promise<void>;
  deadLetters(): readonly DeadLetter[];
  close(): Promise<void>;
}

export interface InProcessQueueOptions {
  readonly handlers: readonly QueueFunctionDefinition[];
  readonly logger: Logger;
  /** Service Bus's default is 10; a message failing this often is dead-lettered, not dropped. */
  readonly maxDeliveryCount?: number;
  /** How long a message id is remembered for duplicate detection. */
  readonly duplicateWindowMs?: number;
}

/**
 * The local stand-in for Service Bus queues: at-least-once delivery to the queue's function,
 * redelivery on failure, dead-lettering after the maximum delivery count, and duplicate
 * detection by message id, as Service Bus offers when it is enabled on the queue.
 *
 * LIMITATION: messages live in memory; a message still queued when the process is killed
 * (not stopped) is lost. A clean stop drains the queue first.
 */
export function createInProcessQueue(options: InProcessQueueOptions): InProcessQueue {
  const maxDeliveries = options.maxDeliveryCount ?? 10;
  const windowMs = options.duplicateWindowMs ?? 10 * 60_000;
  const seen = new Map<string, number>();
  const dead: DeadLetter[] = [];
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  async function deliver(handler: QueueFunctionDefinition, message: unknown, messageId: string) {
    for (let deliveryCount = 1; deliveryCount <= maxDeliveries; deliveryCount += 1) {
      try {
        await handler.handler(structuredClone(message), { messageId, deliveryCount });
        return;
      } catch (error) {
        options.logger.warn('queue.delivery_failed', {
          queue: handler.queueName,
          messageId,
          attempt: deliveryCount,
          errorName: error instanceof Error ? error.name : 'unknown',
        });
      }
    }
    dead.push({
      queueName: handler.queueName,
      messageId,
      deliveryCount: maxDeliveries,
      reason: 'MaxDeliveryCountExceeded',
    });
    options.logger.error('queue.dead_lettered', { queue: handler.queueName, messageId });
  }

  return {
    async send(queueName, message, sendOptions) {
      if (closed) throw new Error('Queue is closed');
      const messageId = sendOptions?.messageId ?? randomUUID();
      const now = Date.now();
      for (const [id, at] of seen) if (now - at > windowMs) seen.delete(id);
      const key = `${queueName}:${messageId}`;
      if (seen.has(key)) return;
      seen.set(key, now);
      const handlers = options.handlers.filter((h) => h.queueName === queueName);
      if (handlers.length === 0) throw new Error(`No function listens on queue ${queueName}`);
      for (const handler of handlers) {
        const task = new Promise<void>((resolve) => setImmediate(resolve))
          .then(() => deliver(handler, message, messageId))
          .finally(() => inFlight.delete(task));
        inFlight.add(task);
      }
    },
    async drain() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    deadLetters: () => dead,
    async close() {
      closed = true;
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
