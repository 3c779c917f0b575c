import type { LocalHost } from '../local/host/start-local-host.js';
import { runListBench } from './list-bench.js';
import { runSearchBench } from './search-bench.js';

type Row = (label: string, value: string, target?: string) => void;

/** Store-level measurements: field encryption, search latency, a 10,000-row filtered list. */
export async function runStoreBench(host: LocalHost, row: Row): Promise<void> {
  const { cipher } = host.services;
  const count = 2000;
  const started = performance.now();
  const sealed = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      cipher.encrypt(`12-345${String(i).padStart(4, '0')}`, `bench:${i}`),
    ),
  );
  row('field encryptions (per s)', (count / ((performance.now() - started) / 1000)).toFixed(0));
  const opened = performance.now();
  await Promise.all(sealed.map((field, i) => cipher.decrypt(field, `bench:${i}`)));
  row('field decryptions (per s)', (count / ((performance.now() - opened) / 1000)).toFixed(0));
  await runSearchBench(host, row);
  await runListBench(host, row);
}
