import { sql } from 'kysely';

import type { FieldCipher } from '../../crypto/field-cipher.js';
import type { Logger } from '../../logging/logger.js';
import type { AppDatabase } from '../app-database.js';
import type { Database } from '../schema.js';
import { seedAccounts } from './seed-accounts.js';
import { seedContracts } from './seed-contracts.js';
import type { DatasetCounts, SeedContext } from './seed-context.js';
import { seedSingleAudit } from './seed-single-audit.js';

/** Options of {@link seedFinanceData}. */
export interface SeedFinanceOptions {
  readonly db: AppDatabase;
  readonly cipher: FieldCipher;
  readonly logger: Logger;
  /** Folder holding the three CSVs; the repo's `data/finance`. */
  readonly dir: string;
}

/** Per dataset: the row counts loaded, or `already_loaded` when its tables already held rows. */
export type SeedReport = Readonly<Record<DatasetName, DatasetCounts | 'already_loaded'>>;

type DatasetName = 'singleAudit' | 'contracts' | 'accounts';

interface Dataset {
  readonly name: DatasetName;
  /** The table whose emptiness means the dataset has not been loaded. */
  readonly marker: keyof Database;
  readonly load: (context: SeedContext, dir: string) => Promise<DatasetCounts>;
}

const DATASETS: readonly Dataset[] = [
  { name: 'singleAudit', marker: 'recipients', load: seedSingleAudit },
  { name: 'contracts', marker: 'vendors', load: seedContracts },
  { name: 'accounts', marker: 'accounts', load: seedAccounts },
];

/**
 * Loads the real finance CSVs into empty tables, one transaction per dataset, and leaves any
 * dataset whose tables already hold rows alone, so a second start adds nothing. Runs outside
 * row scope (owner role) and encrypts every EIN before it reaches the store.
 *
 * @throws Error naming the file, row and column when a CSV row fails validation; that dataset
 * is rolled back whole. AppError STORE_UNAVAILABLE when the store is down.
 */
export async function seedFinanceData(options: SeedFinanceOptions): Promise<SeedReport> {
  const { db, cipher, logger, dir } = options;
  const report: Partial<Record<DatasetName, DatasetCounts | 'already_loaded'>> = {};
  for (const dataset of DATASETS) {
    report[dataset.name] = await db.unsafeWithoutScope((kysely) =>
      kysely.transaction().execute(async (trx) => {
        // Two instances starting together must not both load: the second waits, then sees rows.
        await sql`SELECT pg_advisory_xact_lock(hashtext('eds.seed.finance'))`.execute(trx);
        const present = await trx.selectFrom(dataset.marker).select('id').limit(1).execute();
        if (present.length > 0) return 'already_loaded' as const;
        const counts = await dataset.load({ trx, cipher, logger }, dir);
        for (const [table, count] of Object.entries(counts)) {
          if (table !== 'skipped') logger.info('db.seed_loaded', { resource: table, count });
        }
        return counts;
      }),
    );
  }
  return report as SeedReport;
}
