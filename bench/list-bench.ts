import { sql } from 'kysely';

import type { LocalHost } from '../local/host/start-local-host.js';
import { percentile } from './load-loop.js';

type Row = (label: string, value: string, target?: string) => void;

const TARGET_ROWS = 10_000;
const PAGE = 200;

/**
 * A 10,000-row filtered list: grows the bench's own copy of `account_obligations` past 10,000
 * rows (copies of the real rows shifted by whole decades), then pages through every row matching
 * `division=DC` as an analyst, through the full pipeline, and reports page latency and memory.
 */
export async function runListBench(host: LocalHost, row: Row): Promise<void> {
  await host.services.db.unsafeWithoutScope((db) =>
    sql`
      INSERT INTO account_obligations
        (account_id, division, fiscal_year, quarter, period_end, obligation, unobligated)
      SELECT account_id, division, fiscal_year + 10 * g, quarter,
             (period_end + make_interval(years => 10 * g))::date, obligation, unobligated
      FROM account_obligations, generate_series(1, 7) AS g
    `.execute(db),
  );
  const token = await host.services.issuer.mint({ roles: ['EDS.Analyst'], divisions: ['DC'] });
  const headers = { authorization: `Bearer ${token}` };
  const base = `http://127.0.0.1:${host.port}/api/v1/account-obligations?division=DC&limit=${PAGE}`;
  const latencies: number[] = [];
  let peakRss = process.memoryUsage.rss();
  let rows = 0;
  const started = performance.now();
  let cursor: string | null = null;
  do {
    const url: string = cursor === null ? base : `${base}&cursor=${encodeURIComponent(cursor)}`;
    const begun = performance.now();
    const response = await fetch(url, { headers });
    const page = (await response.json()) as { items: unknown[]; nextCursor: string | null };
    latencies.push(performance.now() - begun);
    if (response.status !== 200) throw new Error(`list page answered ${response.status}`);
    rows += page.items.length;
    cursor = page.nextCursor;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  } while (cursor !== null && latencies.length < 1000);
  const seconds = (performance.now() - started) / 1000;
  if (rows < TARGET_ROWS) throw new Error(`expected ${TARGET_ROWS} rows, listed ${rows}`);
  row(`filtered list, ${rows} rows in pages of ${PAGE}: total (s)`, seconds.toFixed(2));
  row(
    'filtered list page latency p50 / p99 (ms)',
    `${percentile(latencies, 50).toFixed(1)} / ${percentile(latencies, 99).toFixed(1)}`,
  );
  row('filtered list peak resident memory (MB)', (peakRss / 1024 / 1024).toFixed(0));
}
