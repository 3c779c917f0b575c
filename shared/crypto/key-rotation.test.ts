import { randomInt } from 'node:crypto';
import { join } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createMemoryLogger } from '../audit/test-support/audit-fixtures.js';
import { startTestDatabase, type TestDatabase } from '../db/test-support/test-database.js';
import { createEnvelopeCipher, readEnvelopeKeyVersion } from './envelope-cipher.js';
import type { EncryptedField, FieldCipher } from './field-cipher.js';
import type { KeyEncryptionKeyProvider } from './key-encryption-key.js';
import { DEFAULT_KEY_ROTATION_DAYS, rotateKekIfDue } from './key-rotation-policy.js';
import { rewrapStaleFieldKeys } from './key-rotation.js';
import { openLocalKeyRing, type LocalKeyRing } from './local-key-ring.js';
import { einKeyVersionsInUse } from './test-support/ein-key-versions.js';

const SEEDED_RECIPIENTS = 172;

let t: TestDatabase;
let ring: LocalKeyRing;
let cipher: FieldCipher;
/** Recipient id → the EIN it must decrypt to. */
let expected: Map<number, string>;
let nextId = 900_000;

interface Row {
  readonly id: number;
  readonly ein_ciphertext: string;
}

const context = (id: number): string => `recipients.ein:${id}`;

function readRows(): Promise<Row[]> {
  return t.db.unsafeWithoutScope((db) =>
    db.selectFrom('recipients').select(['id', 'ein_ciphertext']).orderBy('id').execute(),
  );
}

async function readEin(id: number): Promise<string> {
  const row = await t.db.unsafeWithoutScope((db) =>
    db
      .selectFrom('recipients')
      .select('ein_ciphertext')
      .where('id', '=', id)
      .executeTakeFirstOrThrow(),
  );
  return cipher.decrypt(row.ein_ciphertext as EncryptedField, context(id));
}

function randomEin(): string {
  return String(randomInt(100_000_000, 999_999_999));
}

async function insertRecipient(): Promise<void> {
  const id = nextId++;
  const ein = randomEin();
  const field = await cipher.encrypt(ein, context(id));
  await t.db.unsafeWithoutScope((db) =>
    db
      .insertInto('recipients')
      .values({
        id,
        division: 'DC',
        name: `Rotation test recipient ${id}`,
        city: 'Washington',
        state: 'DC',
        zip: '20590',
        uei: null,
        entity_type: 'local_government',
        ein_ciphertext: field,
        ein_last4: ein.slice(-4),
      })
      .execute(),
  );
  expected.set(id, ein);
}

/** Ids whose EIN a writer is replacing right now: a read of one may see either value. */
const replacing = new Set<number>();

async function replaceEin(id: number): Promise<void> {
  const ein = randomEin();
  const field = await cipher.encrypt(ein, context(id));
  replacing.add(id);
  try {
    await t.db.unsafeWithoutScope((db) =>
      db
        .updateTable('recipients')
        .set({ ein_ciphertext: field, ein_last4: ein.slice(-4) })
        .where('id', '=', id)
        .execute(),
    );
    expected.set(id, ein);
  } finally {
    replacing.delete(id);
  }
}

/** Decrypts every row and checks it against `expected`, which must cover exactly the table. */
async function assertNothingLost(): Promise<void> {
  const rows = await readRows();
  expect(rows.map((row) => row.id)).toEqual([...expected.keys()].sort((a, b) => a - b));
  for (const row of rows) {
    const clear = await cipher.decrypt(row.ein_ciphertext as EncryptedField, context(row.id));
    expect(clear, `recipient ${row.id}`).toBe(expected.get(row.id));
  }
}

function versionsInUse(): Promise<string[]> {
  return einKeyVersionsInUse(t.db);
}

/** Reads, inserts and EIN replacements in a loop until `stop` is called; counts each kind. */
function startWorkload(): { stop(): Promise<{ reads: number; inserts: number; updates: number }> } {
  let running = true;
  const counts = { reads: 0, inserts: 0, updates: 0 };
  const reader = (async () => {
    while (running) {
      const ids = [...expected.keys()];
      const id = ids[randomInt(ids.length)] ?? 0;
      const want = expected.get(id);
      const racing = replacing.has(id);
      const got = await readEin(id);
      // A replacement of this row that overlapped the read may have landed before it or not:
      // its commit and the update of `expected` are two steps, so check only untouched rows.
      if (!racing && !replacing.has(id) && expected.get(id) === want) expect(got).toBe(want);
      counts.reads += 1;
    }
  })();
  const writer = (async () => {
    while (running) {
      if (counts.inserts <= counts.updates) {
        await insertRecipient();
        counts.inserts += 1;
      } else {
        const ids = [...expected.keys()];
        await replaceEin(ids[randomInt(ids.length)] ?? 0);
        counts.updates += 1;
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await Promise.all([reader, writer]);
      return counts;
    },
  };
}

beforeAll(async () => {
  t = await startTestDatabase();
  // The same ring file the seed encrypted with; this handle is the one that rotates.
  ring = await openLocalKeyRing(join(t.workDir, 'keys'), { env: {} });
  cipher = createEnvelopeCipher(ring);
  expected = new Map();
  for (const row of await readRows()) {
    expected.set(
      row.id,
      await cipher.decrypt(row.ein_ciphertext as EncryptedField, context(row.id)),
    );
  }
});

afterAll(async () => {
  await t?.dispose();
});

describe('rewrapStaleFieldKeys', () => {
  beforeEach(async () => {
    // Every test starts from a table wholly under the current version.
    await rewrapStaleFieldKeys({ db: t.db, kek: ring, logger: createMemoryLogger().logger });
  });

  it('rotates twice under concurrent reads and writes and loses nothing', async () => {
    expect(expected.size).toBe(SEEDED_RECIPIENTS);
    const before = await ring.currentVersion();
    const workload = startWorkload();
    const reports = [];
    for (let round = 0; round < 2; round += 1) {
      await ring.rotate();
      const logger = createMemoryLogger().logger;
      reports.push(await rewrapStaleFieldKeys({ db: t.db, kek: ring, logger, batchSize: 16 }));
    }
    const counts = await workload.stop();
    // The next scheduled run picks up writes that wrapped under the old version just before a
    // rotation and landed after the sweep had passed their id.
    const catchUp = await rewrapStaleFieldKeys({
      db: t.db,
      kek: ring,
      logger: createMemoryLogger().logger,
    });

    const newest = await ring.currentVersion();
    expect(newest).not.toBe(before);
    expect(ring.listVersions()).toHaveLength(3 + Number(before.slice(4)) - 1);
    expect(counts.reads).toBeGreaterThan(20);
    expect(counts.inserts).toBeGreaterThan(5);
    expect(counts.updates).toBeGreaterThan(5);
    expect(reports[0]?.rewrapped).toBeGreaterThanOrEqual(SEEDED_RECIPIENTS - counts.updates);
    expect(reports.map((report) => report.keyVersion)).toEqual([
      ring.listVersions().at(-2)?.version,
      newest,
    ]);
    expect(catchUp.rewrapped).toBeLessThanOrEqual(2);
    expect(catchUp.remaining).toBe(0);
    expect(await versionsInUse()).toEqual([newest]);
    expect(expected.size).toBe(SEEDED_RECIPIENTS + counts.inserts);
    await assertNothingLost();
  });

  it('resumes after a crash mid-run and completes the rest', async () => {
    const newVersion = await ring.rotate();
    const crash = new Error('simulated crash after the first batch');
    const first = rewrapStaleFieldKeys({
      db: t.db,
      kek: ring,
      logger: createMemoryLogger().logger,
      batchSize: 25,
      afterBatch: () => {
        throw crash;
      },
    });
    await expect(first).rejects.toBe(crash);
    const afterCrash = await readRows();
    const done = afterCrash.filter(
      (row) => readEnvelopeKeyVersion(row.ein_ciphertext as EncryptedField) === newVersion,
    );
    expect(done).toHaveLength(25);

    const { logger, lines } = createMemoryLogger();
    const resumed = await rewrapStaleFieldKeys({ db: t.db, kek: ring, logger, batchSize: 25 });
    expect(resumed).toEqual({
      keyVersion: newVersion,
      rewrapped: expected.size - 25,
      skipped: 0,
      remaining: 0,
    });
    const progress = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line['event'] === 'crypto.rotation_progress');
    expect(progress).toHaveLength(Math.ceil((expected.size - 25) / 25));
    expect(progress[0]).toMatchObject({ batch: 1, count: 25, keyVersion: newVersion });
    expect(progress.at(-1)).toMatchObject({ count: expected.size - 25 });
    expect(await versionsInUse()).toEqual([newVersion]);
    await assertNothingLost();
  });

  it('keeps a write that lands between the read and the compare-and-set', async () => {
    await ring.rotate();
    const [victim] = await readRows();
    let wraps = 0;
    // The first re-wrap of the run is the victim's (lowest id): a request rewrites it meanwhile.
    const racingKek: KeyEncryptionKeyProvider = {
      currentVersion: () => ring.currentVersion(),
      unwrap: (key) => ring.unwrap(key),
      async wrap(dataKey) {
        wraps += 1;
        if (wraps === 1) await replaceEin(victim!.id);
        return ring.wrap(dataKey);
      },
    };
    const report = await rewrapStaleFieldKeys({
      db: t.db,
      kek: racingKek,
      logger: createMemoryLogger().logger,
    });
    expect(report).toMatchObject({ skipped: 1, remaining: 0 });
    expect(report.rewrapped).toBe(expected.size - 1);
    expect(await readEin(victim!.id)).toBe(expected.get(victim!.id));
    await assertNothingLost();
  });

  it('leaves a table already under the current version untouched and logs no batch', async () => {
    const { logger, lines } = createMemoryLogger();
    const report = await rewrapStaleFieldKeys({ db: t.db, kek: ring, logger });
    expect(report).toMatchObject({ rewrapped: 0, skipped: 0, remaining: 0 });
    expect(lines.some((line) => line.includes('crypto.rotation_progress'))).toBe(false);
    expect(lines.some((line) => line.includes('crypto.rotation_completed'))).toBe(true);
  });
});

describe('rotateKekIfDue', () => {
  const policy = { schedule: '0 30 3 * * *', maxAgeDays: DEFAULT_KEY_ROTATION_DAYS };
  const dayMs = 24 * 60 * 60 * 1000;

  it('adds no version while the current one is younger than the policy allows', async () => {
    const current = ring.listVersions().at(-1)!;
    const now = new Date(Date.parse(current.createdAt) + (policy.maxAgeDays - 1) * dayMs);
    expect(await rotateKekIfDue(ring, policy, createMemoryLogger().logger, now)).toBeUndefined();
    expect(await ring.currentVersion()).toBe(current.version);
  });

  it('adds a version once the current one reaches the policy age, and logs it', async () => {
    const current = ring.listVersions().at(-1)!;
    const now = new Date(Date.parse(current.createdAt) + policy.maxAgeDays * dayMs);
    const { logger, lines } = createMemoryLogger();
    const rotated = await rotateKekIfDue(ring, policy, logger, now);
    expect(rotated).toBe(await ring.currentVersion());
    expect(rotated).not.toBe(current.version);
    expect(lines.join('\n')).toContain('crypto.kek_rotated');
  });
});
