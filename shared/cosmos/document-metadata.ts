/**
 * Metadata of an agreement document, as stored in the Cosmos DB `documents` container
 * (partition key `/division`). Compatibility: items are persisted; add optional fields only, and
 * keep reading every field ever written. Cosmos system fields (`_rid`, `_etag`, `_ts`, …) are
 * dropped on the way out.
 */
import { z } from 'zod';

import { DIVISIONS } from '../auth/divisions.js';
import { CLASSIFICATIONS } from '../auth/roles.js';

/** Document ids are opaque and safe in a Cosmos id and a URL path (no `/ \ ? #`). */
export const DocumentIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);

const inputShape = {
  id: DocumentIdSchema,
  division: z.enum(DIVISIONS),
  agreementId: z.string().min(1).max(64).optional(),
  title: z.string().min(1).max(300),
  description: z.string().max(4000).optional(),
  fileName: z.string().min(1).max(255),
  contentType: z.string().min(1).max(127),
  sizeBytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  classification: z.enum(CLASSIFICATIONS),
  tags: z.array(z.string().min(1).max(64)).max(32).optional(),
};

/** What a caller supplies to create or replace a document's metadata. */
export const DocumentMetadataInputSchema = z.strictObject(inputShape);

export type DocumentMetadataInput = z.infer<typeof DocumentMetadataInputSchema>;

/** A stored item: the input plus who last wrote it and when. */
export const DocumentMetadataSchema = z.object({
  ...inputShape,
  /** Entra object id of the principal that last wrote the item. */
  updatedBy: z.string().min(1),
  updatedAt: z.iso.datetime(),
});

export type DocumentMetadata = z.infer<typeof DocumentMetadataSchema>;

/** One page of a division's documents; pass `continuationToken` back for the next page. */
export interface DocumentMetadataPage {
  readonly items: readonly DocumentMetadata[];
  readonly continuationToken: string | undefined;
}
