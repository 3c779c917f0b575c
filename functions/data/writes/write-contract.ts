import { z } from 'zod';

import type { ErrorCode } from '../../../shared/errors/error-codes.js';
import type { HttpFunctionDefinition } from '../../../shared/registry/function-registry.js';

/** What a write does to its record; decides its status and whether it answers `Location`. */
export type WriteKind = 'create' | 'update';

/** The status of a successful write, by kind: operations answer it, definitions declare it. */
export const WRITE_STATUS = { create: 201, update: 200 } as const satisfies Record<
  WriteKind,
  200 | 201
>;

/** An `Idempotency-Key`: 1 to 128 visible ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,128}$/;

const EtagSchema = z.string().meta({
  description: 'Strong entity tag of the version answered, `"<id>-<version>"`; send it as If-Match',
});

/**
 * `ETag` of a read by id of a versioned resource (`DataResource.versioned`). Optional: only the
 * Postgres store reads the row version.
 */
export const VersionedReadHeadersSchema = z.object({ ETag: EtagSchema.optional() });

const IdempotencyKeySchema = z.string().regex(IDEMPOTENCY_KEY_PATTERN).optional().meta({
  description:
    'Retrying with the same key and request replays the first success; another request under ' +
    'the key is refused 422. Honoured for 24 hours.',
});

const IfMatchSchema = z.string().meta({
  description: 'The ETag of the version being updated (not `*`): 428 without it, 412 when stale',
});

const ReplayedSchema = z.literal('true').optional().meta({
  description: 'Present when the response replays an earlier success under its Idempotency-Key',
});

const LocationSchema = z.string().meta({ description: 'Where the created record reads' });

/** What every write may answer beyond the pipeline: a malformed header, a reused key. */
const WRITE_CODES: readonly ErrorCode[] = ['VALIDATION_FAILED', 'DATA_IDEMPOTENCY_MISMATCH'];

/** What an update answers when its record is not visible, or If-Match is absent or stale. */
const UPDATE_CODES: readonly ErrorCode[] = [
  'DATA_NOT_FOUND',
  'DATA_PRECONDITION_FAILED',
  'DATA_PRECONDITION_REQUIRED',
];

type WriteContractField = 'successStatus' | 'requestHeaders' | 'responseHeaders' | 'errorCodes';

/** The parts of a write's definition that describe its HTTP exchange beyond the schemas. */
export type WriteContract = Required<Pick<HttpFunctionDefinition, WriteContractField>>;

/**
 * The success status, headers and error codes of a write of `kind`, for its definition to
 * spread; `codes` are the ones the operation answers beyond every write's and every update's.
 */
export function writeContract(kind: WriteKind, codes: readonly ErrorCode[] = []): WriteContract {
  const replayed = { 'Idempotency-Replayed': ReplayedSchema };
  const idempotent = { 'Idempotency-Key': IdempotencyKeySchema };
  if (kind === 'create') {
    return {
      successStatus: WRITE_STATUS.create,
      requestHeaders: z.object(idempotent),
      responseHeaders: z.object({ ETag: EtagSchema, Location: LocationSchema, ...replayed }),
      errorCodes: [...WRITE_CODES, ...codes],
    };
  }
  return {
    successStatus: WRITE_STATUS.update,
    requestHeaders: z.object({ 'If-Match': IfMatchSchema, ...idempotent }),
    responseHeaders: z.object({ ETag: EtagSchema, ...replayed }),
    errorCodes: [...WRITE_CODES, ...UPDATE_CODES, ...codes],
  };
}
