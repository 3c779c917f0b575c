import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AuditEvent, AuditTrail } from '../../../shared/audit/audit-event.js';
import { DIVISIONS } from '../../../shared/auth/divisions.js';
import { isAppError } from '../../../shared/errors/app-error.js';
import type { VerifiedPrincipal } from '../../../shared/auth/principal.js';
import { classificationRank } from '../../../shared/auth/roles.js';
import { parsePart } from '../../../shared/http/request-input.js';
import {
  FINANCE_DIR,
  startTestDatabase,
  testPrincipal,
  type TestDatabase,
} from '../../../shared/db/test-support/test-database.js';
import { rejectionCodeOf } from '../../../test/support/rejection-code.js';
import type { DataDeps } from '../data-deps.js';
import type { ListQueryBase } from '../data-resource.js';
import { encodeCursor, listScopeOf } from '../record-cursor.js';
import { awardsResource, ListAwardsQuerySchema } from '../resources/awards-resource.js';
import { contractTransactionsResource } from '../resources/contract-transactions-resource.js';
import { expendituresResource } from '../resources/expenditures-resource.js';
import { recipientsResource } from '../resources/recipients-resource.js';
import { DATA_RESOURCES, type AnyResource } from '../test-support/data-resources.js';
import { UnmaskRecipientBodySchema } from '../unmask-recipient-schemas.js';
import { getRecord } from './get-record.js';
import { listRecords } from './list-records.js';
import { unmaskRecipient } from './unmask-recipient.js';

const RESOURCES = DATA_RESOURCES;

const ALL = testPrincipal(['EDS.Analyst'], [...DIVISIONS]);
const DC_ANALYST = testPrincipal(['EDS.Analyst'], ['DC']);
const VA_ANALYST = testPrincipal(['EDS.Analyst'], ['VA']);
const DC_READER = testPrincipal(['EDS.Reader'], ['DC']);
const DC_PII = testPrincipal(['EDS.PiiReader'], ['DC']);
const READER_EVERYWHERE = testPrincipal(['EDS.Reader'], [...DIVISIONS]);
const NOBODY = testPrincipal(['EDS.Manager'], []);

function recordingAudit(): AuditTrail & { events: AuditEvent[] } {
  const events: AuditEvent[] = [];
  return {
    events,
    append: (event) => {
      events.push(event);
      return Promise.resolve();
    },
    verify: () => Promise.resolve({ status: 'intact', count: events.length, lastSequence: 0 }),
    checkpoint: () => Promise.resolve(),
    holds: (event) => Promise.resolve(events.includes(event)),
  };
}

async function listAll(
  deps: DataDeps,
  principal: VerifiedPrincipal,
  resource: AnyResource,
  query: ListQueryBase,
): Promise<{ ids: number[]; divisions: string[]; total: number }> {
  const ids: number[] = [];
  const divisions: string[] = [];
  let cursor: string | undefined;
  let total: number;
  do {
    const page = await listRecords(deps, principal, {
      resource,
      query: { ...query, limit: 37, ...(cursor === undefined ? {} : { cursor }) },
    });
    for (const item of page.items) {
      ids.push(item.id as number);
      divisions.push((item as { division?: string }).division ?? '?');
    }
    total = page.total;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return { ids, divisions, total };
}

describe('data operations over the seeded store', () => {
  let t: TestDatabase;
  let deps: DataDeps & { audit: ReturnType<typeof recordingAudit> };
  let mdExpenditureId: number;
  let mdRecipientId: number;
  let dcRecipient: { id: number; ein: string };

  beforeAll(async () => {
    t = await startTestDatabase();
    deps = { db: t.db, cipher: t.cipher, audit: recordingAudit() };
    const rows = await t.db.unsafeWithoutScope(async (db) => ({
      expenditure: await db
        .selectFrom('expenditures')
        .select('id')
        .where('division', '=', 'MD')
        .executeTakeFirstOrThrow(),
      mdRecipient: await db
        .selectFrom('recipients')
        .select('id')
        .where('division', '=', 'MD')
        .executeTakeFirstOrThrow(),
      dcRecipient: await db
        .selectFrom('recipients')
        .select(['id', 'name'])
        .where('division', '=', 'DC')
        .orderBy('id')
        .executeTakeFirstOrThrow(),
    }));
    mdExpenditureId = rows.expenditure.id;
    mdRecipientId = rows.mdRecipient.id;
    const csv: Record<string, string>[] = parse(
      await readFile(
        join(FINANCE_DIR, 'fac_single_audit_dot_award_expenditures_2016_2022.csv'),
        'utf8',
      ),
      { columns: true },
    );
    const line = csv.find(
      (row) => row['auditee_name'] === rows.dcRecipient.name && row['auditee_state'] === 'DC',
    );
    dcRecipient = { id: rows.dcRecipient.id, ein: line?.['auditee_ein'] ?? 'missing' };
  });

  afterAll(async () => {
    await t.dispose();
  });

  const QUERIES: readonly (readonly [string, ListQueryBase & Record<string, unknown>])[] = [
    ['no filter', {}],
    ['descending sort', { sort: '-id' }],
    ['text search', { q: 'highway' }],
    ['division filter for a held division', { division: 'DC' }],
    ['fiscal year', { fiscalYear: 2017 }],
  ];

  for (const resource of RESOURCES) {
    for (const [label, query] of QUERIES) {
      it(`shows an analyst scoped to DC exactly the DC ${resource.noun} (${label})`, async () => {
        const everyone = await listAll(deps, ALL, resource, query);
        const dcOnly = await listAll(deps, DC_ANALYST, resource, query);
        const expected = everyone.ids.filter((_, index) => everyone.divisions[index] === 'DC');
        expect(dcOnly.divisions.every((division) => division === 'DC')).toBe(true);
        expect(dcOnly.ids).toEqual(expected);
        expect(dcOnly.total).toBe(expected.length);
      });
    }

    it(`returns no ${resource.noun}, and no error, for a division not held`, async () => {
      const page = await listRecords(deps, DC_ANALYST, { resource, query: { division: 'MD' } });
      expect(page).toEqual({ items: [], nextCursor: null, total: 0 });
    });

    it(`shows a principal with no divisions no ${resource.noun}`, async () => {
      const page = await listRecords(deps, NOBODY, { resource, query: {} });
      expect(page.total).toBe(0);
      expect(page.items).toEqual([]);
    });

    it(`gives a reader no ${resource.noun} field above INTERNAL`, async () => {
      const page = await listRecords(deps, READER_EVERYWHERE, { resource, query: { limit: 200 } });
      expect(page.items.length).toBeGreaterThan(0);
      const fields = resource.fields as Record<string, string>;
      for (const item of page.items) {
        for (const key of Object.keys(item)) {
          expect(
            classificationRank(fields[key] as 'PUBLIC'),
            `${resource.noun}.${key}`,
          ).toBeLessThanOrEqual(classificationRank('INTERNAL'));
        }
      }
    });
  }

  it('shows the same DC rows to sorted pages of expenditures by amount, both ways', async () => {
    for (const sort of ['amountExpended', '-amountExpended']) {
      const everyone = await listAll(deps, ALL, expendituresResource as unknown as AnyResource, {
        sort,
      });
      const dcOnly = await listAll(
        deps,
        DC_ANALYST,
        expendituresResource as unknown as AnyResource,
        { sort },
      );
      expect(dcOnly.ids).toEqual(everyone.ids.filter((_, i) => everyone.divisions[i] === 'DC'));
    }
  });

  it('filters awards by assistance listing and fiscal year within the caller scope', async () => {
    const query = parsePart('query', ListAwardsQuerySchema, { aln: '20.205', fiscalYear: '2019' });
    const dc = await listRecords(deps, DC_ANALYST, { resource: awardsResource, query });
    const va = await listRecords(deps, VA_ANALYST, { resource: awardsResource, query });
    expect(dc.items.every((item) => item.aln === '20.205' && item.division === 'DC')).toBe(true);
    expect(va.items.every((item) => item.aln === '20.205' && item.division === 'VA')).toBe(true);
  });

  it('answers a DC analyst asking for an MD expenditure by id with DATA_NOT_FOUND', async () => {
    const input = { resource: expendituresResource, id: mdExpenditureId };
    expect(await rejectionCodeOf(getRecord(deps, DC_ANALYST, input))).toBe('DATA_NOT_FOUND');
    const seen = await getRecord(deps, testPrincipal(['EDS.Analyst'], ['MD']), input);
    expect(seen.item.division).toBe('MD');
    // Expenditures are not written by EDS, so they carry no version.
    expect(seen.etag).toBeUndefined();
  });

  it('gives a reader no EIN or UEI and an analyst a masked EIN', async () => {
    const { item: asReader } = await getRecord(deps, DC_READER, {
      resource: recipientsResource,
      id: dcRecipient.id,
    });
    const { item: asAnalyst } = await getRecord(deps, DC_ANALYST, {
      resource: recipientsResource,
      id: dcRecipient.id,
    });
    expect(asReader).not.toHaveProperty('ein');
    expect(asReader).not.toHaveProperty('uei');
    expect(asReader).toHaveProperty('zip');
    expect(asAnalyst.ein).toBe(`*****${dcRecipient.ein.slice(-4)}`);
    expect(JSON.stringify(asAnalyst)).not.toContain(dcRecipient.ein);
  });

  it('returns the clear EIN to a PII reader and audits the reason without the value', async () => {
    const body = {
      fields: ['ein' as const],
      reason: 'Verify payee identity for a 1099 correction',
    };
    const before = deps.audit.events.length;
    const result = await unmaskRecipient(deps, DC_PII, {
      id: dcRecipient.id,
      body,
      correlationId: 'c-1',
    });
    expect(result).toEqual({ id: dcRecipient.id, ein: dcRecipient.ein });
    const events = deps.audit.events.slice(before);
    expect(events).toEqual([
      {
        type: 'data.unmask',
        actor: DC_PII.id,
        correlationId: 'c-1',
        outcome: 'success',
        resource: `recipients/${dcRecipient.id}`,
        fields: ['ein'],
        reason: body.reason,
      },
    ]);
    expect(JSON.stringify(events)).not.toContain(dcRecipient.ein);
  });

  it('rejects an unmask without a reason or with a short one as VALIDATION_FAILED', async () => {
    for (const body of [
      { fields: ['ein'] },
      { fields: ['ein'], reason: 'short' },
      { fields: [], reason: 'a'.repeat(20) },
    ]) {
      expect(
        await rejectionCodeOf(
          Promise.resolve().then(() => parsePart('body', UnmaskRecipientBodySchema, body)),
        ),
      ).toBe('VALIDATION_FAILED');
    }
  });

  it('gives a DC PII reader DATA_NOT_FOUND for an MD recipient, auditing nothing', async () => {
    const before = deps.audit.events.length;
    const body = {
      fields: ['ein' as const],
      reason: 'Verify payee identity for a 1099 correction',
    };
    const attempt = unmaskRecipient(deps, DC_PII, {
      id: mdRecipientId,
      body,
      correlationId: 'c-2',
    });
    expect(await rejectionCodeOf(attempt)).toBe('DATA_NOT_FOUND');
    expect(deps.audit.events.length).toBe(before);
  });

  it('refuses unmask to an analyst without records:unmask', async () => {
    const body = {
      fields: ['ein' as const],
      reason: 'Verify payee identity for a 1099 correction',
    };
    const attempt = unmaskRecipient(deps, DC_ANALYST, {
      id: dcRecipient.id,
      body,
      correlationId: 'c-3',
    });
    expect(await rejectionCodeOf(attempt)).toBe('DATA_UNMASK_NOT_ALLOWED');
  });

  it.each([["zzqx' OR 1=1 --"], ['%'], ['_'], ['\\'], ["'; DROP TABLE awards; --"]])(
    'treats the search text %j as words and returns no extra rows',
    async (q) => {
      for (const resource of RESOURCES) {
        const page = await listRecords(deps, ALL, { resource, query: { q } });
        expect(page.total, resource.noun).toBe(0);
      }
    },
  );

  it('matches a quote-and-comment search only on its words, never every row', async () => {
    const all = await listRecords(deps, ALL, { resource: contractTransactionsResource, query: {} });
    const injected = await listRecords(deps, ALL, {
      resource: contractTransactionsResource,
      query: { q: "' OR 1=1 --" },
    });
    expect(injected.total).toBeLessThan(all.total);
  });

  // The unfiltered awards list's scope, and the first award a cursor resumes after.
  const AWARDS = listScopeOf('awards', {});
  const AFTER = { sortValue: 1, id: 1 };

  it.each([
    ['garbage', 'not*a*cursor'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['another sort', encodeCursor({ sortKey: 'aln', scope: AWARDS, sortValue: '20.205', id: 1 })],
    [
      'a string where the id sort expects a number',
      encodeCursor({ sortKey: 'id', scope: AWARDS, sortValue: '1) OR (1=1', id: 1 }),
    ],
    [
      'another resource',
      encodeCursor({ sortKey: 'id', scope: listScopeOf('expenditures', {}), sortValue: 1, id: 1 }),
    ],
    [
      'other filters',
      encodeCursor({ sortKey: 'id', scope: listScopeOf('awards', { aln: '20.205' }), ...AFTER }),
    ],
    [
      'an extra field',
      Buffer.from(JSON.stringify({ v: 2, k: 'id', f: AWARDS, s: 1, i: 1, x: 1 })).toString(
        'base64url',
      ),
    ],
    [
      'version 1, bound to no list',
      Buffer.from(JSON.stringify({ v: 1, k: 'id', s: 1, i: 1 })).toString('base64url'),
    ],
    [
      'a wrong version',
      Buffer.from(JSON.stringify({ v: 3, k: 'id', f: AWARDS, s: 1, i: 1 })).toString('base64url'),
    ],
  ])('rejects a tampered cursor (%s) as VALIDATION_FAILED', async (_label, cursor) => {
    const attempt = listRecords(deps, DC_ANALYST, { resource: awardsResource, query: { cursor } });
    expect(await rejectionCodeOf(attempt)).toBe('VALIDATION_FAILED');
  });

  it.each([
    ['a NUL', 'a\u0000b'],
    ['half a surrogate pair', 'a\ud800b'],
  ])('refuses a text cursor holding %s as the cursor, before the store', async (_label, value) => {
    const scope = listScopeOf('awards', { sort: 'aln' });
    const cursor = encodeCursor({ sortKey: 'aln', scope, sortValue: value, id: 1 });
    const error = await listRecords(deps, DC_ANALYST, {
      resource: awardsResource,
      query: { sort: 'aln', cursor },
    }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isAppError(error) && error.details.issues).toEqual([
      { location: 'query', path: 'cursor', rule: 'invalid_cursor' },
    ]);
  });
});

/** Data functions that need more than `records:read`. */
const PERMISSION_OF: Readonly<Record<string, string>> = {
  'data-unmask-recipient': 'records:unmask',
  'data-create-obligation': 'records:write',
  'data-update-obligation': 'records:write',
  'data-create-vendor': 'records:write',
  'data-update-vendor': 'records:write',
};

describe('data function registrations', () => {
  it('registers each data function with a permission, summary and response schema', async () => {
    const { listHttpFunctions, listTimerFunctions } =
      await import('../../../shared/registry/function-registry.js');
    const dir = join(import.meta.dirname, '..');
    const files = (await readdir(dir))
      .filter((file) => file.endsWith('.function.ts'))
      .map((file) => file.slice(0, -'.function.ts'.length));
    // The app's one import list; a test beside it checks it names every function file.
    await import('../../index.js');
    expect(files).toHaveLength(24);
    const data = listHttpFunctions().filter((fn) => fn.capability === 'data');
    const timers = listTimerFunctions().filter((fn) => fn.capability === 'data');
    const names = [...data, ...timers].map((fn) => fn.name).sort();
    expect(names).toEqual(files.map((file) => `data-${file}`).sort());
    for (const fn of data) {
      expect(fn.access).toEqual({ permission: PERMISSION_OF[fn.name] ?? 'records:read' });
      expect(fn.summary.length).toBeGreaterThan(0);
      expect(fn.response).toBeDefined();
      expect(fn.route.startsWith('v1/')).toBe(true);
    }
  });
});
