import type { Container, ItemDefinition, SqlQuerySpec } from '@azure/cosmos';

import { assertVisibleDivision } from '../auth/division-scope.js';
import type { Division } from '../auth/divisions.js';
import type { VerifiedPrincipal } from '../auth/principal.js';
import { AppError } from '../errors/app-error.js';
import { cosmosStatus, isRecordMissing, toCosmosFailure } from './cosmos-failure.js';
import {
  DocumentIdSchema,
  DocumentMetadataInputSchema,
  DocumentMetadataSchema,
  type DocumentMetadata,
  type DocumentMetadataPage,
} from './document-metadata.js';
import { invalidInput } from './scope.js';

/** Paging of {@link findDocumentMetadata}. */
export interface DocumentPageRequest {
  readonly continuationToken?: string;
  /** Items per page, 1–100; 25 when absent. */
  readonly limit?: number;
}

const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 100;
const MAX_CONTINUATION_LENGTH = 8192;

/** Every query names its division as the partition key and as a parameter, never as text. */
const LIST_QUERY = 'SELECT * FROM c WHERE c.division = @division ORDER BY c.id';

function parseStored(resource: unknown, division: Division): DocumentMetadata {
  const parsed = DocumentMetadataSchema.safeParse(resource);
  if (!parsed.success) throw new AppError('INTERNAL', 'Stored document metadata is malformed');
  // The partition key already bounds the read; this catches a bug, not an attacker.
  if (parsed.data.division !== division) {
    throw new AppError('INTERNAL', 'Document metadata from another partition');
  }
  return parsed.data;
}

function invalidPaging(path: string): AppError {
  const issues = [{ location: 'query' as const, path, rule: 'invalid' }];
  return new AppError('VALIDATION_FAILED', 'Invalid paging', { details: { issues } });
}

/**
 * Creates or replaces a document's metadata in the caller's division, stamped with the caller's
 * id and the time. The item's division is its partition key.
 *
 * @throws AppError VALIDATION_FAILED for a malformed input (fields named, values not echoed),
 * AUTH_FORBIDDEN when the division is not assigned to the caller, STORE_UNAVAILABLE.
 */
export async function putDocumentMetadata(
  container: Container,
  principal: VerifiedPrincipal,
  input: unknown,
): Promise<DocumentMetadata> {
  const parsed = DocumentMetadataInputSchema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error, 'document metadata');
  const { division } = parsed.data;
  if (!principal.divisions.includes(division)) {
    throw new AppError('AUTH_FORBIDDEN', 'Write to a division not assigned to the principal');
  }
  const item = { ...parsed.data, updatedBy: principal.id, updatedAt: new Date().toISOString() };
  try {
    const { resource } = await container.items.upsert(item);
    return parseStored(resource, division);
  } catch (error) {
    throw toCosmosFailure('upsert document', error);
  }
}

/**
 * Reads one document's metadata by division (the partition key) and id. A division outside the
 * caller's assignments is not read at all and looks exactly like a missing document.
 *
 * @throws AppError DATA_NOT_FOUND, STORE_UNAVAILABLE.
 */
export async function getDocumentMetadata(
  container: Container,
  principal: VerifiedPrincipal,
  division: string,
  id: string,
): Promise<DocumentMetadata> {
  assertVisibleDivision(principal, division);
  if (!DocumentIdSchema.safeParse(id).success) {
    throw new AppError('DATA_NOT_FOUND', 'Malformed document id');
  }
  try {
    const { resource, statusCode, substatus } = await container
      .item(id, division)
      .read<ItemDefinition>();
    if (isRecordMissing(statusCode, substatus)) {
      throw new AppError('DATA_NOT_FOUND', 'Document metadata not found');
    }
    if (resource === undefined) {
      throw new AppError('STORE_UNAVAILABLE', `Cosmos DB read document failed: HTTP ${statusCode}`);
    }
    return parseStored(resource, division);
  } catch (error) {
    throw toCosmosFailure('read document', error);
  }
}

/**
 * One page of a division's document metadata, ordered by id. The query is bound to the division
 * both as the partition key and as a parameter, so no continuation token can reach another
 * division's items.
 *
 * @throws AppError DATA_NOT_FOUND for a division outside the caller's assignments,
 * VALIDATION_FAILED for a bad limit or continuation token, STORE_UNAVAILABLE.
 */
export async function findDocumentMetadata(
  container: Container,
  principal: VerifiedPrincipal,
  division: string,
  page: DocumentPageRequest = {},
): Promise<DocumentMetadataPage> {
  assertVisibleDivision(principal, division);
  const limit = page.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw invalidPaging('limit');
  const token = page.continuationToken;
  if (token !== undefined && (token.length === 0 || token.length > MAX_CONTINUATION_LENGTH)) {
    throw invalidPaging('continuationToken');
  }
  const query: SqlQuerySpec = {
    query: LIST_QUERY,
    parameters: [{ name: '@division', value: division }],
  };
  const options = {
    partitionKey: division,
    maxItemCount: limit,
    ...(token === undefined ? {} : { continuationToken: token }),
  };
  try {
    const response = await container.items.query<unknown>(query, options).fetchNext();
    return {
      items: response.resources.map((resource) => parseStored(resource, division)),
      continuationToken: response.continuationToken ?? undefined,
    };
  } catch (error) {
    if (cosmosStatus(error) === 400) throw invalidPaging('continuationToken');
    throw toCosmosFailure('query documents', error);
  }
}
