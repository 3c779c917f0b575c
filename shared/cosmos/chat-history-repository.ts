import type { Container, ItemDefinition } from '@azure/cosmos';

import type { VerifiedPrincipal } from '../auth/principal.js';
import { AppError } from '../errors/app-error.js';
import {
  ChatConversationSchema,
  ChatMessageInputSchema,
  ConversationIdSchema,
  type ChatConversation,
} from './chat-conversation.js';
import { cosmosStatus, isRecordMissing, toCosmosFailure } from './cosmos-failure.js';
import { invalidInput } from './scope.js';

/** Retention and size of stored conversations. */
export interface ChatHistoryLimits {
  /** Seconds after its last message that Cosmos deletes a conversation. */
  readonly ttlSeconds: number;
  /** Messages kept per conversation; the oldest are dropped beyond it. */
  readonly maxMessages: number;
}

const MAX_ATTEMPTS = 3;

function parseStored(resource: unknown, userId: string): ChatConversation {
  const parsed = ChatConversationSchema.safeParse(resource);
  if (!parsed.success) throw new AppError('INTERNAL', 'Stored conversation is malformed');
  // The partition key already bounds the read; this catches a bug, not an attacker.
  if (parsed.data.userId !== userId) throw new AppError('INTERNAL', 'Conversation of another user');
  return parsed.data;
}

async function readConversation(
  container: Container,
  userId: string,
  conversationId: string,
): Promise<{ conversation: ChatConversation; etag: string } | undefined> {
  const { resource, statusCode, substatus, etag } = await container
    .item(conversationId, userId)
    .read<ItemDefinition>();
  if (isRecordMissing(statusCode, substatus)) return undefined;
  if (resource === undefined) {
    throw new AppError(
      'STORE_UNAVAILABLE',
      `Cosmos DB read conversation failed: HTTP ${statusCode}`,
    );
  }
  return { conversation: parseStored(resource, userId), etag };
}

/**
 * Appends a message to one of the caller's conversations, creating it on first use. The
 * conversation lives in the caller's partition (`userId` = the principal's id), so no caller can
 * write into another user's history. Writes are optimistic (`If-Match` on the item's etag) and
 * retried on a concurrent write; each write renews the conversation's TTL.
 *
 * LIMITATION: only the newest `maxMessages` messages are kept; older ones are dropped silently.
 *
 * @throws AppError VALIDATION_FAILED for a malformed id or message, DATA_CONFLICT when concurrent
 * writers win three times in a row, STORE_UNAVAILABLE.
 */
export async function appendChatMessage(
  container: Container,
  principal: VerifiedPrincipal,
  conversationId: string,
  input: unknown,
  limits: ChatHistoryLimits,
): Promise<ChatConversation> {
  const message = ChatMessageInputSchema.safeParse(input);
  if (!message.success) throw invalidInput(message.error, 'chat message');
  if (!ConversationIdSchema.safeParse(conversationId).success) {
    throw new AppError('VALIDATION_FAILED', 'Invalid conversation id', {
      details: { issues: [{ location: 'params', path: 'conversationId', rule: 'invalid' }] },
    });
  }
  const userId = principal.id;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const now = new Date().toISOString();
    const entry = { ...message.data, createdAt: now };
    try {
      const existing = await readConversation(container, userId, conversationId);
      if (existing === undefined) {
        const created = { id: conversationId, conversationId, userId, messages: [entry] };
        const item = { ...created, createdAt: now, updatedAt: now, ttl: limits.ttlSeconds };
        const { resource } = await container.items.create(item);
        return parseStored(resource, userId);
      }
      const messages = [...existing.conversation.messages, entry].slice(-limits.maxMessages);
      const next = { ...existing.conversation, messages, updatedAt: now, ttl: limits.ttlSeconds };
      const { resource } = await container.item(conversationId, userId).replace(next, {
        accessCondition: { type: 'IfMatch', condition: existing.etag },
      });
      return parseStored(resource, userId);
    } catch (error) {
      const status = cosmosStatus(error);
      if (status !== 409 && status !== 412) throw toCosmosFailure('append chat message', error);
      // Another write won the race (create 409, replace 412): read again and retry.
    }
  }
  throw new AppError('DATA_CONFLICT', 'Conversation kept changing under concurrent writes');
}

/**
 * Reads one of the caller's conversations. Another user's conversation id is looked up in the
 * caller's own partition, so it is simply not found.
 *
 * @throws AppError DATA_NOT_FOUND, STORE_UNAVAILABLE.
 */
export async function getConversation(
  container: Container,
  principal: VerifiedPrincipal,
  conversationId: string,
): Promise<ChatConversation> {
  if (!ConversationIdSchema.safeParse(conversationId).success) {
    throw new AppError('DATA_NOT_FOUND', 'Malformed conversation id');
  }
  try {
    const found = await readConversation(container, principal.id, conversationId);
    if (found === undefined) throw new AppError('DATA_NOT_FOUND', 'Conversation not found');
    return found.conversation;
  } catch (error) {
    throw toCosmosFailure('read conversation', error);
  }
}
