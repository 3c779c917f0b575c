/**
 * The transactional audit outbox. Compatibility: `audit_relay.event` holds an audit event exactly
 * as `audit-event.ts` defines it, and pending rows survive upgrades, so the relay must keep
 * reading every event shape it has ever queued (the audit event's own rule already says so).
 */
import { randomUUID } from 'node:crypto';

import { sql, type Kysely, type QueryExecutorProvider } from 'kysely';
import { z } from 'zod';

import type { AppDatabase } from '../db/app-database.js';
import { AppError, isAppError } from '../errors/app-error.js';
import { errorCodeOf } from '../errors/error-code.js';
import type { Logger } from '../logging/logger.js';
import type { AuditEvent, AuditTrail } from './audit-event.js';
import { AuditEventSchema } from './audit-event-schema.js';

/** How long a relay run owns the rows it claimed before another run may take them over. */
export const AUDIT_RELAY_LEASE_SECONDS = 300;
/** Most rows one relay run claims. */
export const AUDIT_RELAY_BATCH = 100;

/** What the relay needs: the store holding `audit_relay`, the trail, a logger. */
export interface AuditRelayDeps {
  readonly db: AppDatabase;
  readonly audit: AuditTrail;
  readonly logger: Logger;
}

/** What one relay run did. */
export interface AuditRelayReport {
  /** Events appended to the trail. */
  readonly relayed: number;
  /** Rows whose event the trail already held (a run that appended but did not delete). */
  readonly duplicates: number;
  /** Rows left for a later run because the trail refused them for now. */
  readonly pending: number;
}

const ClaimedRowSchema = z.object({ id: z.uuid(), event: z.unknown() });
type ClaimedRow = z.infer<typeof ClaimedRowSchema>;

/**
 * Queues an audit event in `audit_relay` inside the caller's transaction, so the event commits
 * or rolls back with the change it records. Run as `eds_app`, which may insert and nothing else.
 *
 * @throws AppError INTERNAL when the event fails the audit schema; the caller's transaction then
 * rolls back, so no change is committed without its event.
 */
export async function enqueueAuditEvent(
  trx: QueryExecutorProvider,
  event: AuditEvent,
): Promise<string> {
  const parsed = AuditEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new AppError('INTERNAL', 'Audit event failed validation and was not queued');
  }
  const id = randomUUID();
  await sql`INSERT INTO audit_relay (id, event)
    VALUES (${id}::uuid, ${JSON.stringify(parsed.data)}::jsonb)`.execute(trx);
  return id;
}

async function claimRows<DB>(db: Kysely<DB>, batch: number): Promise<ClaimedRow[]> {
  const result = await db.transaction().execute((trx) =>
    sql<unknown>`
      UPDATE audit_relay
      SET claimed_until = clock_timestamp() + make_interval(secs => ${AUDIT_RELAY_LEASE_SECONDS})
      WHERE id IN (
        SELECT id FROM audit_relay
        WHERE claimed_until IS NULL OR claimed_until < clock_timestamp()
        ORDER BY created_at, id
        LIMIT ${batch}
        FOR UPDATE SKIP LOCKED)
      RETURNING id, event, created_at`.execute(trx),
  );
  const rows = result.rows as { id: unknown; event: unknown; created_at: Date }[];
  rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
  return rows.map((row) => ClaimedRowSchema.parse(row));
}

/**
 * Moves queued audit events from `audit_relay` into the audit trail, oldest first: claims a batch
 * under a lease (so concurrent runs, in this process or another, take disjoint rows), appends
 * each event, then deletes its row. Runs outside row scope (`unsafeWithoutScope`).
 *
 * Before appending, it asks the trail whether it already holds the identical event and, when so,
 * only deletes the row: a run that appended an event but crashed before deleting its row does
 * not chain the event twice. An event the trail refuses as invalid is recorded by the trail as
 * `audit.event_rejected` and its row deleted. When the trail is unavailable the row's lease is
 * released and the run stops, keeping order; the next run (timer or write) retries.
 *
 * LIMITATION: the trail stamps `occurredAt` when the relay appends, not when the change
 * committed; normally the same moment (each write relays right after its commit), but up to a
 * timer period later when the trail was down.
 *
 * LIMITATION: the duplicate check reads the stored trail only. If the trail had parked an event
 * in its local file outbox (store down) and the row's delete then failed, a later run appends
 * the event again; both copies carry the same correlation id and digests. So does a run that
 * outlives its five-minute lease while another takes the rows over.
 */
export async function relayAuditEvents(
  deps: AuditRelayDeps,
  options: { readonly batch?: number } = {},
): Promise<AuditRelayReport> {
  const { db, logger } = deps;
  return db.unsafeWithoutScope(async (owner) => {
    const rows = await claimRows(owner, options.batch ?? AUDIT_RELAY_BATCH);
    const counts = { relayed: 0, duplicate: 0, rejected: 0 };
    for (const [index, row] of rows.entries()) {
      try {
        counts[await relayOne(deps, row)] += 1;
      } catch (error) {
        const pending = rows.slice(index).map((rest) => rest.id);
        await sql`UPDATE audit_relay SET claimed_until = NULL
          WHERE id = ANY (${pending}::uuid[])`.execute(owner);
        logger.warn('audit.relay_stalled', { count: pending.length, code: errorCodeOf(error) });
        return { relayed: counts.relayed, duplicates: counts.duplicate, pending: pending.length };
      }
      await sql`DELETE FROM audit_relay WHERE id = ${row.id}::uuid`.execute(owner);
    }
    if (counts.relayed > 0) logger.info('audit.relay_drained', { count: counts.relayed });
    return { relayed: counts.relayed, duplicates: counts.duplicate, pending: 0 };
  });
}

/**
 * Appends one claimed row's event unless the trail already holds it.
 *
 * @throws whatever the trail throws when it cannot take a valid event now.
 */
async function relayOne(
  deps: AuditRelayDeps,
  row: ClaimedRow,
): Promise<'relayed' | 'duplicate' | 'rejected'> {
  const parsed = AuditEventSchema.safeParse(row.event);
  if (parsed.success) {
    if (await deps.audit.holds(parsed.data)) return 'duplicate';
    await deps.audit.append(parsed.data);
    return 'relayed';
  }
  try {
    // The trail records `audit.event_rejected` (type and field names only) in its place.
    await deps.audit.append(row.event as AuditEvent);
  } catch (error) {
    if (!isAppError(error) || error.code !== 'INTERNAL') throw error;
  }
  deps.logger.error('audit.relay_event_rejected', { resource: `audit_relay/${row.id}` });
  return 'rejected';
}
