import { sql, type Kysely } from 'kysely';

import type { AuditEvent } from './audit-event.js';
import type { AuditTables } from './audit-tables.js';

/**
 * Whether `audit_events` holds this exact event: same type, same correlation id (the index of
 * migration 0003 covers data changes), same content.
 */
export async function holdsEvent(db: Kysely<AuditTables>, event: AuditEvent): Promise<boolean> {
  const { rows } = await sql<{ found: number }>`
    SELECT 1 AS found FROM audit_events
    WHERE type = ${event.type}
      AND event ->> 'correlationId' = ${event.correlationId}
      AND event = ${JSON.stringify(event)}::jsonb
    LIMIT 1`.execute(db);
  return rows.length > 0;
}
