import { sql } from 'kysely';
import { z } from 'zod';

import { DIVISIONS } from '../../../shared/auth/divisions.js';
import type { AppDatabase } from '../../../shared/db/app-database.js';
import type { SearchDocument, SearchIndex } from '../../../shared/search/search-index.js';
import type { SearchResource } from '../../../shared/search/search-resource.js';
import type { IndexRecordsMessage } from '../index-records-message.js';
import { SEARCH_RESOURCES } from '../search-resources.js';

/** What {@link indexRecords} needs. */
export interface IndexRecordsDeps {
  readonly db: AppDatabase;
  readonly index: SearchIndex;
}

/** How many documents were written and removed. */
export interface IndexRecordsResult {
  readonly indexed: number;
  readonly removed: number;
}

const KeysSchema = z.object({ id: z.number().int(), division: z.enum(DIVISIONS) });

function resourceNamed(name: string): SearchResource {
  const resource = SEARCH_RESOURCES.find((entry) => entry.name === name);
  if (resource === undefined) throw new Error('Index message names an unknown resource');
  return resource;
}

/**
 * Reads the indexable text of records across every division, bypassing row scope: the
 * indexer works for the whole system, not for a caller, and the index applies each caller's
 * divisions when it is queried. Selects the catalogue's columns only, so RESTRICTED values
 * (the EIN ciphertext) are never read here.
 */
async function unsafeReadSearchDocuments(
  db: AppDatabase,
  resource: SearchResource,
  ids: readonly number[],
): Promise<SearchDocument[]> {
  const text = resource.fields.map((field) =>
    sql<string | null>`${sql.ref(field.column)}::text`.as(field.name),
  );
  const rows = await db.unsafeWithoutScope((kdb) =>
    kdb
      .selectFrom(resource.table)
      .select(['id', 'division'])
      .select(text)
      .where('id', 'in', [...ids])
      .orderBy('id')
      .execute(),
  );
  const fields = z.object(
    Object.fromEntries(resource.fields.map((field) => [field.name, z.string().nullable()])),
  );
  return rows.map((row) => {
    const keys = KeysSchema.parse(row);
    return { resource: resource.name, ...keys, fields: fields.parse(row) };
  });
}

/**
 * Brings the named records up to date in the search index: existing ones are (re)written,
 * missing ones removed. Idempotent: documents are keyed by resource and id, so a redelivered
 * message rewrites the same documents.
 *
 * With the local Postgres index both writes are no-ops by design (the tables are the index);
 * the rows are still read, so the same path runs everywhere.
 *
 * @throws AppError STORE_UNAVAILABLE when the database or the index is down (the queue
 * redelivers, then dead-letters).
 */
export async function indexRecords(
  deps: IndexRecordsDeps,
  message: IndexRecordsMessage,
): Promise<IndexRecordsResult> {
  const resource = resourceNamed(message.resource);
  const documents = await unsafeReadSearchDocuments(deps.db, resource, message.ids);
  const found = new Set(documents.map((document) => document.id));
  const missing = [...new Set(message.ids)].filter((id) => !found.has(id));

  await deps.index.index(documents);
  await deps.index.remove(missing.map((id) => ({ resource: resource.name, id })));
  return { indexed: documents.length, removed: missing.length };
}
