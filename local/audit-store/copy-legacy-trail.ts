import { sql, type Kysely } from 'kysely';
import pg from 'pg';

import { errorCodeOf } from '../../shared/errors/error-code.js';
import type { Logger } from '../../shared/logging/logger.js';

/** Rows read and written per statement while copying, unless told otherwise. */
const COPY_BATCH = 500;

interface LegacyEventRow {
  readonly seq: string;
  readonly event_id: string;
  readonly occurred_at: Date;
  readonly type: string;
  readonly event: unknown;
  readonly prev_hash: string;
  readonly hash: string;
}

interface LegacyCheckpointRow {
  readonly seq: string;
  readonly hash: string;
  readonly signed_at: Date;
  readonly signature: string;
  readonly key_id: string;
}

/** Whether the store `client` is connected to has an `audit_events` table with an event in it. */
export async function holdsAuditEvents(client: pg.ClientBase): Promise<boolean> {
  const table = await client.query<{ present: boolean }>(
    `SELECT to_regclass('audit_events') IS NOT NULL AS present`,
  );
  if (table.rows[0]?.present !== true) return false;
  const held = await client.query(`SELECT 1 FROM audit_events LIMIT 1`);
  return held.rows.length > 0;
}

/**
 * Copies a trail kept in the records store (data directories from before the audit store had
 * its own) into the empty audit store, rows and checkpoints exactly as stored, in one
 * transaction: a copy cut short leaves the audit store empty, and the next start copies again.
 * Does nothing when the audit store already holds events or the records store holds none.
 * Resolves to how many events were copied.
 *
 * The rows keep their sequence numbers, hashes and signatures, so the copy verifies as the
 * original did, and the audit writer's record of the head it last signed still matches. The
 * records store keeps its copy; from then on the trail grows in the audit store only.
 */
export async function copyLegacyTrail<DB>(
  audit: Kysely<DB>,
  legacyUrl: string,
  logger: Logger,
  batchSize = COPY_BATCH,
): Promise<number> {
  const { rows: held } = await sql<{ found: number }>`
    SELECT 1 AS found FROM audit_events LIMIT 1`.execute(audit);
  if (held.length > 0) return 0;
  const legacy = new pg.Client({ connectionString: legacyUrl });
  await legacy.connect();
  try {
    if (!(await holdsAuditEvents(legacy))) return 0;
    let copied = 0;
    const copying = audit.transaction().execute(async (trx) => {
      let after = '0';
      for (;;) {
        const { rows } = await legacy.query<LegacyEventRow>(
          // Qualified: a bare `seq` would sort by the text alias, so '10' would come before '9'.
          `SELECT seq::text AS seq, event_id, occurred_at, type, event, prev_hash, hash
           FROM audit_events WHERE seq > $1::bigint ORDER BY audit_events.seq LIMIT $2`,
          [after, batchSize],
        );
        if (rows.length === 0) break;
        const batch = rows.map((row) => ({ ...row, occurred_at: row.occurred_at.toISOString() }));
        // In seq order, so the head-link trigger checks every row against the one before it.
        await sql`INSERT INTO audit_events
            (seq, event_id, occurred_at, type, event, prev_hash, hash)
          SELECT r.seq, r.event_id, r.occurred_at, r.type, r.event, r.prev_hash, r.hash
          FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) AS r(
            seq bigint, event_id uuid, occurred_at timestamptz, type text, event jsonb,
            prev_hash text, hash text)
          ORDER BY r.seq`.execute(trx);
        copied += rows.length;
        after = rows.at(-1)?.seq ?? after;
      }
      const checkpoints = await legacy.query<LegacyCheckpointRow>(
        `SELECT seq::text AS seq, hash, signed_at, signature, key_id
         FROM audit_checkpoints ORDER BY audit_checkpoints.seq`,
      );
      if (checkpoints.rows.length === 0) return;
      const signed = checkpoints.rows.map((row) => ({
        ...row,
        signed_at: row.signed_at.toISOString(),
      }));
      await sql`INSERT INTO audit_checkpoints (seq, hash, signed_at, signature, key_id)
        SELECT r.seq, r.hash, r.signed_at, r.signature, r.key_id
        FROM jsonb_to_recordset(${JSON.stringify(signed)}::jsonb) AS r(
          seq bigint, hash text, signed_at timestamptz, signature text, key_id text)
        ORDER BY r.seq`.execute(trx);
    });
    await copying.catch((error: unknown) => {
      // A trail that does not link (EA002) or does not fit the tables is not copied: the host
      // does not start over it. `npm run audit:verify` names the first broken link.
      logger.error('audit.trail_copy_refused', { code: errorCodeOf(error), store: 'postgres' });
      throw error;
    });
    if (copied > 0) logger.info('audit.trail_copied', { count: copied, store: 'postgres' });
    return copied;
  } finally {
    await legacy.end();
  }
}
