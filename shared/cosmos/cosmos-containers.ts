import type { Container, ContainerRequest, Database } from '@azure/cosmos';

import { cosmosStatus, toCosmosFailure } from './cosmos-failure.js';

/**
 * The app's Cosmos DB containers. Infrastructure must create the same ones in Azure (the app's
 * Entra identity has data-plane rights only and cannot create them): `documents` partitioned by
 * `/division`, `chatHistory` partitioned by `/userId` with TTL on and no default (`-1`), so each
 * conversation's own `ttl` applies.
 */
export const COSMOS_CONTAINERS = {
  documents: { id: 'documents', partitionKey: { paths: ['/division'] } },
  chatHistory: { id: 'chatHistory', partitionKey: { paths: ['/userId'] }, defaultTtl: -1 },
} as const satisfies Record<string, ContainerRequest>;

/** The containers a store works on. */
export interface CosmosContainers {
  readonly documents: Container;
  readonly chatHistory: Container;
}

/** References to the containers, without a request; for Azure, where they already exist. */
export function openCosmosContainers(database: Database): CosmosContainers {
  return {
    documents: database.container(COSMOS_CONTAINERS.documents.id),
    chatHistory: database.container(COSMOS_CONTAINERS.chatHistory.id),
  };
}

async function verifyContainer(container: Container, expected: ContainerRequest): Promise<void> {
  const { resource } = await container.read().catch((error: unknown) => {
    if (cosmosStatus(error) === 404) return { resource: undefined };
    throw toCosmosFailure('container check', error);
  });
  if (resource === undefined) {
    throw new Error(`Invalid configuration: Cosmos DB container ${expected.id} is missing`);
  }
  const paths = resource.partitionKey?.paths ?? [];
  const wanted = expected.partitionKey;
  const wantedPaths = typeof wanted === 'object' && wanted !== null ? (wanted.paths ?? []) : [];
  if (paths.join() !== wantedPaths.join()) {
    throw new Error(`Invalid configuration: Cosmos DB container ${expected.id} partition key`);
  }
  if (expected.defaultTtl !== undefined && resource.defaultTtl === undefined) {
    throw new Error(`Invalid configuration: Cosmos DB container ${expected.id} has TTL off`);
  }
}

/**
 * Checks at cold start that both containers exist with the partition keys the scoping relies on
 * (and TTL on for chat history), so a misprovisioned account fails loudly instead of answering
 * every read with "not found" or ignoring retention.
 *
 * @throws Error naming the container and the mismatch; AppError STORE_UNAVAILABLE when the
 * account cannot be reached.
 */
export async function verifyCosmosContainers(containers: CosmosContainers): Promise<void> {
  await verifyContainer(containers.documents, COSMOS_CONTAINERS.documents);
  await verifyContainer(containers.chatHistory, COSMOS_CONTAINERS.chatHistory);
}

/**
 * Creates the database and containers when missing. Needs key authentication, so it runs only
 * against the local server.
 *
 * @throws AppError STORE_UNAVAILABLE when the server refuses or cannot be reached.
 */
export async function ensureLocalCosmosContainers(database: Database): Promise<CosmosContainers> {
  try {
    await database.client.databases.createIfNotExists({ id: database.id });
    const [documents, chatHistory] = await Promise.all([
      database.containers.createIfNotExists(COSMOS_CONTAINERS.documents),
      database.containers.createIfNotExists(COSMOS_CONTAINERS.chatHistory),
    ]);
    return { documents: documents.container, chatHistory: chatHistory.container };
  } catch (error) {
    throw toCosmosFailure('container setup', error);
  }
}
