import type { Database } from '@azure/cosmos';

import type { VerifiedPrincipal } from '../auth/principal.js';
import type { ChatConversation, ChatMessageInput } from './chat-conversation.js';
import {
  appendChatMessage,
  getConversation,
  type ChatHistoryLimits,
} from './chat-history-repository.js';
import { createCosmosClient, type CosmosClientSettings } from './cosmos-client.js';
import {
  ensureLocalCosmosContainers,
  openCosmosContainers,
  verifyCosmosContainers,
  type CosmosContainers,
} from './cosmos-containers.js';
import type {
  DocumentMetadata,
  DocumentMetadataInput,
  DocumentMetadataPage,
} from './document-metadata.js';
import {
  findDocumentMetadata,
  getDocumentMetadata,
  putDocumentMetadata,
  type DocumentPageRequest,
} from './document-metadata-repository.js';

/**
 * Agreement-document metadata and AI chat history in Cosmos DB, as operations see them. Every
 * method takes the verified principal and reads or writes only inside its scope: documents in
 * the principal's divisions (partition `/division`), conversations in the principal's own
 * partition (`/userId`). Queries are parameterised; items are zod-parsed on the way out.
 */
export interface CosmosDocumentStore {
  /** @throws AppError VALIDATION_FAILED, AUTH_FORBIDDEN, STORE_UNAVAILABLE. */
  putDocumentMetadata(
    principal: VerifiedPrincipal,
    doc: DocumentMetadataInput,
  ): Promise<DocumentMetadata>;
  /** @throws AppError DATA_NOT_FOUND (also for a division not assigned), STORE_UNAVAILABLE. */
  getDocumentMetadata(
    principal: VerifiedPrincipal,
    division: string,
    id: string,
  ): Promise<DocumentMetadata>;
  /** @throws AppError DATA_NOT_FOUND, VALIDATION_FAILED (paging), STORE_UNAVAILABLE. */
  findDocumentMetadata(
    principal: VerifiedPrincipal,
    division: string,
    page?: DocumentPageRequest,
  ): Promise<DocumentMetadataPage>;
  /** @throws AppError VALIDATION_FAILED, DATA_CONFLICT, STORE_UNAVAILABLE. */
  appendChatMessage(
    principal: VerifiedPrincipal,
    conversationId: string,
    message: ChatMessageInput,
  ): Promise<ChatConversation>;
  /** @throws AppError DATA_NOT_FOUND (also for another user's conversation), STORE_UNAVAILABLE. */
  getConversation(principal: VerifiedPrincipal, conversationId: string): Promise<ChatConversation>;
  /** Releases the client's sockets. */
  close(): void;
}

/** Options of {@link createCosmosDocumentStore}. */
export type CosmosDocumentStoreOptions = CosmosClientSettings & {
  readonly databaseId: string;
  /** Retention of a conversation after its last message; 90 days when absent. */
  readonly chatTtlSeconds?: number;
  /** Messages kept per conversation; 200 when absent. */
  readonly maxMessagesPerConversation?: number;
};

const DEFAULT_CHAT_TTL_SECONDS = 90 * 24 * 60 * 60;
const DEFAULT_MAX_MESSAGES = 200;

async function prepareContainers(database: Database, local: boolean): Promise<CosmosContainers> {
  const containers = local
    ? await ensureLocalCosmosContainers(database)
    : openCosmosContainers(database);
  await verifyCosmosContainers(containers);
  return containers;
}

/**
 * Connects the document store. With a credential (Azure) it uses the containers infrastructure
 * created; with a key (the local server only, see `createCosmosClient`) it first creates the
 * database and containers when missing. Either way it then checks that both containers exist
 * with the expected partition keys.
 *
 * @throws Error at cold start for unsafe settings or misprovisioned containers; AppError
 * STORE_UNAVAILABLE when the account cannot be reached.
 */
export async function createCosmosDocumentStore(
  options: CosmosDocumentStoreOptions,
): Promise<CosmosDocumentStore> {
  const owned = createCosmosClient(options);
  const database = owned.client.database(options.databaseId);
  const containers = await prepareContainers(database, owned.usesKey).catch((error: unknown) => {
    owned.dispose();
    throw error;
  });
  const limits: ChatHistoryLimits = {
    ttlSeconds: options.chatTtlSeconds ?? DEFAULT_CHAT_TTL_SECONDS,
    maxMessages: options.maxMessagesPerConversation ?? DEFAULT_MAX_MESSAGES,
  };
  const { documents, chatHistory } = containers;

  return {
    putDocumentMetadata: (principal, doc) => putDocumentMetadata(documents, principal, doc),
    getDocumentMetadata: (principal, division, id) =>
      getDocumentMetadata(documents, principal, division, id),
    findDocumentMetadata: (principal, division, page) =>
      findDocumentMetadata(documents, principal, division, page),
    appendChatMessage: (principal, conversationId, message) =>
      appendChatMessage(chatHistory, principal, conversationId, message, limits),
    getConversation: (principal, conversationId) =>
      getConversation(chatHistory, principal, conversationId),
    close: () => owned.dispose(),
  };
}
