import { createHash } from 'node:crypto';

import { sql, type Transaction } from 'kysely';
import { z } from 'zod';

import type { DataChangeAuditEvent } from '../../../shared/audit/audit-event.js';
import { enqueueAuditEvent, relayAuditEvents } from '../../../shared/audit/audit-relay.js';
import { canonicalJson } from '../../../shared/crypto/canonical-json.js';
import { assertVisibleDivision } from '../../../shared/auth/division-scope.js';
import type { VerifiedPrincipal } from '../../../shared/auth/principal.js';
import type { Database } from '../../../shared/db/schema.js';
import { STORE_RETRY_AFTER_SECONDS } from '../../../shared/db/store-outage.js';
import { AppError } from '../../../shared/errors/app-error.js';
import { errorCodeOf } from '../../../shared/errors/error-code.js';
import {
  IndexRecordsMessageSchema,
  SEARCH_INDEX_QUEUE,
} from '../../../shared/messaging/search-index-queue.js';
import { IDEMPOTENCY_KEY_PATTERN } from './write-contract.js';
import type { WriteDeps } from './write-deps.js';
import { toWriteResponse, type WriteResponse, type WriteResult } from './write-result.js';

/** What identifies a write request for its idempotency key: the same key must mean the same. */
export interface WriteRequest {
  readonly method: 'POST' | 'PATCH';
  /** Route template, `v1/vendors/{id}`. */
  readonly route: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** The validated body. */
  readonly body: unknown;
  readonly headers: ReadonlyMap<string, string>;
  readonly correlationId: string;
}

/** What a `data.change` audit event records of one record's change: digests only. */
export type ChangeDigests = Pick<DataChangeAuditEvent, 'action' | 'beforeDigest' | 'afterDigest'>;

/** Another record a change updated with its own (a contract's totals), audited on its own. */
export interface RelatedChange {
  /** The record as audit events name it: `contracts/<id>`. */
  readonly resource: string;
  readonly audit: ChangeDigests;
}

/**
 * What a change returns: its result, the digests its `data.change` audit event records (the
 * event names the result's record), and the other records it changed, one event each.
 */
export interface WriteChange {
  readonly result: WriteResult;
  readonly audit: ChangeDigests;
  readonly related?: readonly RelatedChange[];
}

/** An update's change: its result, and the digests of the versions before and after it. */
export function updateChange(
  result: WriteResult,
  before: { readonly digest: string },
  after: { readonly digest: string },
): WriteChange {
  const audit = {
    action: 'update',
    beforeDigest: before.digest,
    afterDigest: after.digest,
  } as const;
  return { result, audit };
}

/** JSON text as stored, parsed; the column's `json` type already refused anything else. */
const JsonText = z.string().transform((text): unknown => JSON.parse(text));

/**
 * A stored response, its body and headers read as the text stored (`json` keeps it as given).
 * The body's text is `JSON.stringify` of the first response's body, the same call the pipeline
 * sends it with; parsing that text and serialising it again yields the same text, so a replay
 * sends the first response's bytes.
 */
const StoredResponseSchema = z.object({
  fingerprint: z.string(),
  response_status: z.union([z.literal(200), z.literal(201)]),
  response_body: JsonText.pipe(z.record(z.string(), z.unknown())),
  response_headers: JsonText.pipe(z.record(z.string(), z.string())),
  audit_resource: z.string(),
});

function readIdempotencyKey(headers: ReadonlyMap<string, string>): string | undefined {
  const key = headers.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new AppError('VALIDATION_FAILED', 'malformed Idempotency-Key', {
      details: {
        issues: [{ location: 'header', path: 'idempotency-key', rule: 'invalid_format' }],
      },
    });
  }
  return key;
}

function fingerprintOf(request: WriteRequest): string {
  const { method, route, params, body, headers } = request;
  const ifMatch = headers.get('if-match') ?? null;
  const canonical = canonicalJson({ method, route, params, body, ifMatch });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * Claims the key for this transaction, or returns the response stored under it. A concurrent
 * request with the same key waits on the primary key until the first commits (then replays) or
 * rolls back (then claims it), so a key never yields two changes.
 */
async function claimOrReplay(
  trx: Transaction<Database>,
  principalId: string,
  key: string,
  fingerprint: string,
): Promise<WriteResponse | undefined> {
  // LIMITATION: a key is remembered for 24 hours; after that the same key starts a new request.
  await sql`DELETE FROM idempotency_keys WHERE principal_id = ${principalId} AND key = ${key}
    AND created_at < now() - interval '24 hours'`.execute(trx);
  let found: unknown;
  // The record the claim ran into can be gone by the time it is read (taken by a retry's expiry
  // delete at the 24-hour mark): the claim is tried again once, then the caller is told to retry.
  for (let attempt = 0; attempt < 2 && found === undefined; attempt += 1) {
    const claimed = await sql`INSERT INTO idempotency_keys (principal_id, key, fingerprint)
      VALUES (${principalId}, ${key}, ${fingerprint})
      ON CONFLICT (principal_id, key) DO NOTHING RETURNING key`.execute(trx);
    if (claimed.rows.length > 0) return undefined;
    const { rows } = await sql`SELECT fingerprint, response_status,
      response_body::text AS response_body, response_headers::text AS response_headers,
      audit_resource FROM idempotency_keys
      WHERE principal_id = ${principalId} AND key = ${key}`.execute(trx);
    found = rows[0];
  }
  if (found === undefined) {
    throw new AppError('STORE_UNAVAILABLE', 'idempotency key record changed under the claim', {
      publicMessage: 'Another request with this Idempotency-Key was in progress; retry shortly.',
      details: { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS },
    });
  }
  const stored = StoredResponseSchema.parse(found);
  if (stored.fingerprint !== fingerprint) {
    throw new AppError('DATA_IDEMPOTENCY_MISMATCH', 'idempotency key reused for another request', {
      publicMessage: 'This Idempotency-Key was used with a different request; use a new key.',
    });
  }
  return {
    status: stored.response_status,
    body: stored.response_body,
    headers: { ...stored.response_headers, 'Idempotency-Replayed': 'true' },
    auditResource: stored.audit_resource,
  };
}

/**
 * Refuses a replay whose record lies outside the caller's divisions as they are now: a caller who
 * lost a division since the first request gets what a read of that record would answer (404),
 * not the stored copy. Every write answers a record, whose `division` is PUBLIC and so always
 * kept; a stored response without one is refused too (deny by default).
 */
function assertReplayInScope(principal: VerifiedPrincipal, replay: WriteResponse): void {
  const division = replay.body['division'];
  const named = typeof division === 'string' ? division : '';
  assertVisibleDivision(principal, named, replay.auditResource);
}

async function storeResponse(
  trx: Transaction<Database>,
  principalId: string,
  key: string,
  response: WriteResponse,
): Promise<void> {
  await sql`UPDATE idempotency_keys SET response_status = ${response.status},
    response_body = ${JSON.stringify(response.body)}::json,
    response_headers = ${JSON.stringify(response.headers)}::json,
    audit_resource = ${response.auditResource}
    WHERE principal_id = ${principalId} AND key = ${key}`.execute(trx);
}

/**
 * Runs one change in one scoped transaction with everything that must commit with it: the
 * `Idempotency-Key` record of its response and its `data.change` audit events (queued in
 * `audit_relay`, digests only: the written record's first, then each related record's). After
 * commit, relays queued events into the audit trail; if that fails the events wait for the
 * `data-relay-audit` timer, and the write still succeeds.
 *
 * With an `Idempotency-Key` the first successful response is stored; a retry with the same key
 * and the same request gets that response again (`Idempotency-Replayed: true`) and changes
 * nothing, while the caller still holds the record's division. A failed change stores nothing, so
 * its retry runs again.
 *
 * > [!WARNING]
 * > `change` runs as `eds_app` under the caller's divisions; it must still throw AppError for
 * > every refusal, since anything thrown rolls the whole transaction back.
 *
 * @throws AppError INTERNAL on a store other than Postgres, before any write; AppError
 * VALIDATION_FAILED for a malformed `Idempotency-Key` (1 to 128 visible ASCII
 * characters); AppError DATA_IDEMPOTENCY_MISMATCH (422) when the key was used for a different
 * request (method, route, parameters, body or If-Match); AppError DATA_NOT_FOUND for a replay of
 * a record outside the caller's divisions; AppError STORE_UNAVAILABLE (503, retry) when the key's
 * record vanished twice under the claim; whatever `change` throws.
 */
export async function runIdempotentWrite(
  deps: WriteDeps,
  principal: VerifiedPrincipal,
  request: WriteRequest,
  change: (trx: Transaction<Database>) => Promise<WriteChange>,
): Promise<WriteResponse> {
  if (deps.db.dialect.name !== 'postgres') {
    // LIMITATION: the write SQL (ON CONFLICT, RETURNING, FOR UPDATE, RLS settings) is Postgres
    // only; on the SQL Server store a write is refused before anything is opened or written.
    throw new AppError('INTERNAL', `writes are not implemented for ${deps.db.dialect.name}`);
  }
  // The key is kept as its digest (migration 0011): a secret a client put in it is not stored.
  const sent = readIdempotencyKey(request.headers);
  const key = sent === undefined ? undefined : createHash('sha256').update(sent).digest('hex');
  const fingerprint = fingerprintOf(request);
  const outcome = await deps.db.withScope(principal, async (trx) => {
    await sql`SELECT set_config('eds.principal_id', ${principal.id}, true)`.execute(trx);
    if (key !== undefined) {
      const replay = await claimOrReplay(trx, principal.id, key, fingerprint);
      if (replay !== undefined) {
        assertReplayInScope(principal, replay);
        return { response: replay, written: undefined };
      }
    }
    const { result, audit, related = [] } = await change(trx);
    const response = toWriteResponse(result);
    const changes = [{ resource: response.auditResource, audit }, ...related];
    for (const { resource, audit: digests } of changes) {
      await enqueueAuditEvent(trx, {
        type: 'data.change',
        actor: principal.id,
        correlationId: request.correlationId,
        outcome: 'success',
        resource,
        ...digests,
      });
    }
    if (key !== undefined) await storeResponse(trx, principal.id, key, response);
    return { response, written: result };
  });
  if (outcome.written !== undefined) {
    await relayAfterCommit(deps, request.correlationId);
    await requestReindex(deps, outcome.written, request.correlationId);
  }
  return outcome.response;
}

/**
 * Asks the search indexer to refresh the changed record. The change is committed and audited
 * already, so a failure here is logged, not thrown: the index catches up on the next change.
 */
async function requestReindex(
  deps: WriteDeps,
  written: Pick<WriteResult, 'resource' | 'id'>,
  correlationId: string,
): Promise<void> {
  const parsed = IndexRecordsMessageSchema.safeParse({
    resource: written.resource,
    ids: [written.id],
  });
  if (deps.messages === undefined || !parsed.success) return;
  try {
    await deps.messages.send(SEARCH_INDEX_QUEUE, parsed.data, { messageId: correlationId });
  } catch (error) {
    const code = errorCodeOf(error);
    deps.logger.warn('search.reindex_deferred', { correlationId, code, queue: SEARCH_INDEX_QUEUE });
  }
}

async function relayAfterCommit(deps: WriteDeps, correlationId: string): Promise<void> {
  try {
    await relayAuditEvents(deps);
  } catch (error) {
    deps.logger.warn('audit.relay_deferred', { correlationId, code: errorCodeOf(error) });
  }
}
