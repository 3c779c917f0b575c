import { app, isInsideFunctionsHost } from '../runtime/functions-runtime.js';
import {
  addQueueFunction,
  addTimerFunction,
  type QueueFunctionDefinition,
  type TimerFunctionDefinition,
} from './function-registry.js';

/** Declares a timer function for both the Functions host and the local host's scheduler. */
export function defineTimerFunction(definition: TimerFunctionDefinition): void {
  addTimerFunction(definition);
  if (!isInsideFunctionsHost()) return;
  app.timer(definition.name, {
    schedule: definition.schedule,
    runOnStartup: definition.runOnStartup ?? false,
    handler: () => definition.handler(),
  });
}

/**
 * Declares a Service Bus queue function. The connection is identity-based
 * (`ServiceBusConnection__fullyQualifiedNamespace`); the message id makes handling idempotent.
 */
export function defineQueueFunction(definition: QueueFunctionDefinition): void {
  addQueueFunction(definition);
  if (!isInsideFunctionsHost()) return;
  app.serviceBusQueue(definition.name, {
    connection: 'ServiceBusConnection',
    queueName: definition.queueName,
    handler: (message, context) =>
      definition.handler(message, {
        messageId: stringOr(context.triggerMetadata?.['messageId'], context.invocationId),
        deliveryCount: Number(stringOr(context.triggerMetadata?.['deliveryCount'], '1')),
      }),
  });
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : fallback;
}
