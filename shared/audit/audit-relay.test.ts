import { randomUUID } from 'node:crypto';

import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startTestHost, type TestHost } from '../../test/support/test-host.js';
import { testPrincipal } from '../db/test-support/test-database.js';
import { AppError } from '../errors/app-error.js';
import type { AuditEvent, AuditTrail, DataChangeAuditEvent } from './audit-event.js';
import { enqueueAuditEvent, relayAuditEvents, type AuditRelayDeps } from './audit-relay.js';

const MANAGER = testPrincipal(['EDS.Manager'], ['DC']);
const DIGEST = 'a'.repeat(64);
let serial = 0;

function changeEvent(resource = `vendors/${(serial += 1)}`): DataChangeAuditEvent {
  return {
    type: 'data.change',
    actor: MANAGER.id,
    correlationId: randomUUID(),
    outcome: 'success',
    resource,
    action: 'create',
    afterDigest: DIGEST,
  };
}

/** A trail that refuses every append, as the real one does when store and outbox are down. */
function unavailableTrail(): AuditTrail & { attempts: number } {
  return {
    attempts: 0,
    append() {
      this.attempts += 1;
      return Promise.reject(new AppError('AUDIT_UNAVAILABLE', 'down'));
    },
    verify: () => Promise.reject(new Error('not used')),
    checkpoint: () => Promise.reject(new Error('not used')),
    holds: () => Promise.resolve(false),
  };
}

describe('audit relay', () => {
  let t: TestHost;
  let deps: AuditRelayDeps;

  beforeAll(async () => {
    t = await startTestHost({ skipSeed: true });
    const { db, audit, logger } = t.host.services;
    deps = { db, audit, logger };
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.ownerRows(sql`DELETE FROM audit_relay`);
  });

  function trailed(correlationId: string): Promise<AuditEvent[]> {
    return t.auditEvents<AuditEvent>({ correlationId });
  }

  async function pendingRows(): Promise<{ id: string; claimed: boolean }[]> {
    return t.ownerRows(sql`SELECT id::text, claimed_until IS NOT NULL AS claimed FROM audit_relay
      ORDER BY created_at`);
  }

  async function queue(...events: AuditEvent[]): Promise<void> {
    await t.host.services.db.withScope(MANAGER, async (trx) => {
      for (const event of events) await enqueueAuditEvent(trx, event);
    });
  }

  it('moves a queued event into the trail and deletes its row', async () => {
    const event = changeEvent();
    await queue(event);
    expect(await relayAuditEvents(deps)).toEqual({ relayed: 1, duplicates: 0, pending: 0 });
    expect(await trailed(event.correlationId)).toEqual([event]);
    expect(await pendingRows()).toEqual([]);
  });

  it('queues nothing when the transaction that queued the event rolls back', async () => {
    const event = changeEvent();
    const attempt = t.host.services.db.withScope(MANAGER, async (trx) => {
      await enqueueAuditEvent(trx, event);
      throw new AppError('DATA_PRECONDITION_FAILED', 'change refused after queueing');
    });
    await expect(attempt).rejects.toMatchObject({ code: 'DATA_PRECONDITION_FAILED' });
    expect(await pendingRows()).toEqual([]);
    expect(await relayAuditEvents(deps)).toEqual({ relayed: 0, duplicates: 0, pending: 0 });
  });

  it('refuses to queue an event that fails the audit schema', async () => {
    const invalid = { ...changeEvent(), afterDigest: 'not-a-digest' };
    const attempt = queue(invalid);
    await expect(attempt).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(await pendingRows()).toEqual([]);
  });

  it('does not chain an event twice when a run appended it but kept its row', async () => {
    const event = changeEvent();
    await queue(event);
    await t.host.services.audit.append(event);
    expect(await relayAuditEvents(deps)).toEqual({ relayed: 0, duplicates: 1, pending: 0 });
    expect(await trailed(event.correlationId)).toHaveLength(1);
    expect(await pendingRows()).toEqual([]);
  });

  it('keeps rows pending, unclaimed and in order while the trail is down', async () => {
    const events = [changeEvent('vendors/1'), changeEvent('vendors/2'), changeEvent('vendors/3')];
    await queue(...events);
    const down = unavailableTrail();
    const report = await relayAuditEvents({ ...deps, audit: down });
    expect(report).toEqual({ relayed: 0, duplicates: 0, pending: 3 });
    expect(down.attempts).toBe(1);
    expect((await pendingRows()).map((row) => row.claimed)).toEqual([false, false, false]);
    expect(await relayAuditEvents(deps)).toMatchObject({ relayed: 3, pending: 0 });
    const seqs = await t.auditRows<{ resource: string }>(sql`SELECT event ->> 'resource' AS resource
      FROM audit_events WHERE event ->> 'correlationId' IN
      (${events[0]?.correlationId}, ${events[1]?.correlationId}, ${events[2]?.correlationId})
      ORDER BY seq`);
    expect(seqs.map((row) => row.resource)).toEqual(['vendors/1', 'vendors/2', 'vendors/3']);
  });

  it('appends each event once when several runs race', async () => {
    const events = Array.from({ length: 12 }, () => changeEvent());
    await queue(...events);
    const reports = await Promise.all([1, 2, 3, 4].map(() => relayAuditEvents(deps)));
    expect(reports.reduce((sum, report) => sum + report.relayed, 0)).toBe(12);
    for (const event of events) expect(await trailed(event.correlationId)).toHaveLength(1);
    expect(await pendingRows()).toEqual([]);
  });

  it('leaves a row another run holds under a live lease alone', async () => {
    const event = changeEvent();
    await queue(event);
    await t.ownerRows(sql`UPDATE audit_relay SET claimed_until = now() + interval '1 minute'`);
    expect(await relayAuditEvents(deps)).toEqual({ relayed: 0, duplicates: 0, pending: 0 });
    await t.ownerRows(sql`UPDATE audit_relay SET claimed_until = now() - interval '1 second'`);
    expect(await relayAuditEvents(deps)).toMatchObject({ relayed: 1 });
    expect(await trailed(event.correlationId)).toHaveLength(1);
  });

  it('records a tampered row as audit.event_rejected and drops it', async () => {
    const correlationId = randomUUID();
    const tampered = {
      ...changeEvent(),
      correlationId,
      resource: 'Bearer eyJhbGciOi.eyJzdWIi.sig',
    };
    await t.ownerRows(sql`INSERT INTO audit_relay (id, event)
      VALUES (${randomUUID()}::uuid, ${JSON.stringify(tampered)}::jsonb)`);
    expect(await relayAuditEvents(deps)).toMatchObject({ relayed: 0, pending: 0 });
    const [rejection] = await trailed(correlationId);
    expect(rejection).toMatchObject({
      type: 'security.event',
      name: 'audit.event_rejected',
      detail: { eventType: 'data.change', field: 'resource' },
    });
    expect(JSON.stringify(rejection)).not.toContain('eyJ');
    expect(await pendingRows()).toEqual([]);
  });

  it.each([
    ['read', sql`SELECT * FROM audit_relay`],
    ['change', sql`UPDATE audit_relay SET claimed_until = now()`],
    ['delete', sql`DELETE FROM audit_relay`],
  ])('denies the application role the right to %s queued events', async (_label, statement) => {
    await queue(changeEvent());
    const attempt = t.host.services.db.withScope(MANAGER, (trx) => statement.execute(trx));
    await expect(attempt).rejects.toMatchObject({ code: '42501' });
    expect(await pendingRows()).toHaveLength(1);
  });
});
