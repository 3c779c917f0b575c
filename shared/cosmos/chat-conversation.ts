/**
 * One AI-assistant conversation, as stored in the Cosmos DB `chatHistory` container (partition
 * key `/userId`, id = conversation id). Compatibility: items are persisted; add optional fields
 * only. `ttl` (seconds) makes Cosmos delete a conversation that long after its last message.
 */
import { z } from 'zod';

/** Conversation ids are opaque, chosen by the client or the assistant. */
export const ConversationIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

const messageShape = {
  role: z.enum(['user', 'assistant']),
  content: z.string().min(1).max(32_000),
  /** Documents the answer cited, for showing sources; ids only. */
  citations: z
    .array(z.object({ documentId: z.string().min(1).max(128) }).strict())
    .max(20)
    .optional(),
};

/** A message the assistant operation appends. */
export const ChatMessageInputSchema = z.strictObject(messageShape);

export type ChatMessageInput = z.infer<typeof ChatMessageInputSchema>;

export const ChatMessageSchema = z.object({ ...messageShape, createdAt: z.iso.datetime() });

export const ChatConversationSchema = z.object({
  id: ConversationIdSchema,
  conversationId: ConversationIdSchema,
  /** Entra object id of the conversation's owner; the partition key. */
  userId: z.string().min(1),
  messages: z.array(ChatMessageSchema),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  ttl: z.number().int().min(1),
});

export type ChatConversation = z.infer<typeof ChatConversationSchema>;
