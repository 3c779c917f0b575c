import type { LocalHost } from '../local/host/start-local-host.js';
import { percentile } from './load-loop.js';

type Row = (label: string, value: string, target?: string) => void;

/** Words that occur in the shipped finance data, in program names, places and descriptions. */
const WORDS = [
  'highway',
  'bridge',
  'construction',
  'planning',
  'transit',
  'safety',
  'county',
  'city',
  'university',
  'research',
  'federal',
  'road',
  'engineering',
  'services',
  'maintenance',
  'airport',
  'department',
  'transportation',
  'resurfacing',
  'repair',
];
const QUERIES = 200;

/**
 * Search latency on the local default (Postgres full-text search) through the whole request
 * pipeline: `QUERIES` sequential `GET /api/v1/search` calls of real words by an analyst of
 * several divisions, after one warm-up pass.
 */
export async function runSearchBench(host: LocalHost, row: Row): Promise<void> {
  const token = await host.services.issuer.mint({
    roles: ['EDS.Analyst'],
    divisions: ['DC', 'MD', 'VA', 'CA', 'NY', 'TX'],
  });
  const headers = { authorization: `Bearer ${token}` };
  const ask = async (word: string): Promise<number> => {
    const query = new URLSearchParams({ q: word, limit: '20' });
    const url = `http://127.0.0.1:${host.port}/api/v1/search?${query.toString()}`;
    const started = performance.now();
    const response = await fetch(url, { headers });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`search answered ${response.status}`);
    return performance.now() - started;
  };
  for (const word of WORDS) await ask(word);
  const latencies: number[] = [];
  for (let i = 0; i < QUERIES; i += 1) latencies.push(await ask(WORDS[i % WORDS.length] ?? 'road'));
  row('search latency on the local default, p50 (ms)', percentile(latencies, 50).toFixed(1));
  row('search latency on the local default, p99 (ms)', percentile(latencies, 99).toFixed(1));
}
