import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createLocalJWKSet } from 'jose';

import { createTokenVerifier, verifierOptionsFrom } from '../shared/auth/token-verifier.js';
import { createVerifiedPrincipal } from '../shared/auth/principal.js';
import { clearanceOf, permissionsOf } from '../shared/auth/roles.js';
import { listHttpFunctions } from '../shared/registry/function-registry.js';
import { startLocalHttpServer } from '../local/host/local-http-server.js';
import { startLocalHost, type LocalHost } from '../local/host/start-local-host.js';
import { listEntryPoints, measureColdStart } from './measure-cold-start.js';
import { median, medianInterval, percentile } from './load-loop.js';
import { startLoadWorker, type LoadWorker } from './load-worker.js';
import { runStoreBench } from './store-bench.js';

/**
 * Measured pipeline/bypass pairs; their order alternates. Many short rounds rather than a few
 * long ones: this machine's speed drifts within seconds, and a pair spanning 0.3 s sees less of
 * that drift (the median's interval came out somewhat narrower on average;
 * bench/PIPELINE-COST.md).
 */
const PAIRS = 130;
const LOAD_MS = 150;
const CONCURRENCY = 8;
const LIST_PATH = '/api/v1/awards?limit=50';
const BENCH_DIVISIONS = ['DC', 'MD', 'VA', 'CA', 'NY', 'TX'] as const;

let peakRss = 0;
// `memoryUsage.rss()` reads the resident size alone; the full `memoryUsage()` also walks the V8
// heap, which costs the host thread time in the middle of a measured round. Unreferenced, so a
// failed run still exits.
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 50);
sampler.unref();

function row(label: string, value: string, target = ''): void {
  process.stdout.write(`${label.padEnd(52)} ${value.padStart(16)}  ${target}\n`);
}

/**
 * The same local host HTTP layer (routing, `HttpRequest`, `InvocationContext`) serving the same
 * list handler, with the request pipeline taken out: no authentication, authorisation, rate
 * limit, validation, security headers or audit. The difference to the full route is what the
 * pipeline costs.
 */
async function startBypassServer(): Promise<{ url: string; close(): Promise<void> }> {
  const definition = listHttpFunctions().find((fn) => fn.name === 'data-list-awards');
  if (definition === undefined) throw new Error('data-list-awards is not registered');
  const roles = ['EDS.Analyst'] as const;
  const principal = createVerifiedPrincipal({
    id: randomUUID(),
    tenantId: 'bench',
    kind: 'user',
    roles,
    permissions: permissionsOf(roles),
    divisions: [...BENCH_DIVISIONS],
    clearance: clearanceOf(roles),
  });
  const query = definition.query?.parse({ limit: '50' });
  const server = await startLocalHttpServer({
    host: '127.0.0.1',
    port: 0,
    definitions: [definition],
    createHandler: (raw) => async () => {
      const result = await raw.handler({
        principal,
        params: {},
        query,
        body: undefined,
        headers: new Map(),
        correlationId: randomUUID(),
      });
      return {
        status: result.status ?? 200,
        body: JSON.stringify(result.body),
        headers: { 'Content-Type': 'application/json' },
      };
    },
  });
  return { url: `http://127.0.0.1:${server.port}${LIST_PATH}`, close: () => server.close() };
}

/** One measured load: requests per second and the host thread's busy time per request. */
interface Sample {
  readonly perSecond: number;
  readonly busyMsPerRequest: number;
}

async function measure(
  load: LoadWorker,
  url: string,
  headers: Record<string, string>,
): Promise<Sample> {
  // The main thread's event loop: the host, both routes and the embedded store all run on it.
  const before = performance.eventLoopUtilization();
  const result = await load.run(url, { headers, concurrency: CONCURRENCY, durationMs: LOAD_MS });
  const busy = performance.eventLoopUtilization(before);
  if (result.errors > 0 || result.requests === 0) throw new Error('bench requests failed');
  return { perSecond: result.perSecond, busyMsPerRequest: busy.active / result.requests };
}

/**
 * Pipeline against bypass, in pairs whose order alternates (ABBA), driven by a load generator on
 * its own thread. Two estimates of the cost: throughput (median of the per-pair ratios) and the
 * host thread's busy time per request (it serves both routes and runs the embedded store).
 */
async function benchPipeline(host: LocalHost): Promise<void> {
  const token = await host.services.issuer.mint({
    roles: ['EDS.Analyst'],
    divisions: [...BENCH_DIVISIONS],
  });
  const bypass = await startBypassServer();
  const load = startLoadWorker();
  const pipelineUrl = `http://127.0.0.1:${host.port}${LIST_PATH}`;
  const headers = { authorization: `Bearer ${token}` };
  const pipeline: Sample[] = [];
  const without: Sample[] = [];
  try {
    await measure(load, pipelineUrl, headers);
    await measure(load, bypass.url, {});
    for (let pair = 0; pair < PAIRS; pair += 1) {
      if (pair % 2 === 0) {
        pipeline.push(await measure(load, pipelineUrl, headers));
        without.push(await measure(load, bypass.url, {}));
      } else {
        without.push(await measure(load, bypass.url, {}));
        pipeline.push(await measure(load, pipelineUrl, headers));
      }
    }
  } finally {
    await load.close();
    await bypass.close();
  }
  const ratios = pipeline.map((a, i) => a.perSecond / (without[i]?.perSecond ?? a.perSecond));
  const busyPipeline = median(pipeline.map((sample) => sample.busyMsPerRequest));
  const busyWithout = median(without.map((sample) => sample.busyMsPerRequest));
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  row('list awards, full pipeline (req/s)', median(pipeline.map((x) => x.perSecond)).toFixed(0));
  row('list awards, pipeline bypassed (req/s)', median(without.map((x) => x.perSecond)).toFixed(0));
  row('pipeline cost (1 - median pair ratio)', percent(1 - median(ratios)), 'target < 5%');
  // The machine's own speed drifts between rounds; the interval shows how much that moves it.
  const [low, high] = medianInterval(ratios);
  row(
    '  95% interval of that median (bootstrap of pairs)',
    `${percent(1 - high)} to ${percent(1 - low)}`,
  );
  // The spread of single pairs: what one short round on its own would have said.
  const costs = ratios.map((ratio) => 100 * (1 - ratio));
  row(
    '  single pairs, 10th/25th/75th/90th percentiles',
    [10, 25, 75, 90].map((p) => `${percentile(costs, p).toFixed(0)}%`).join(' / '),
  );
  row(
    'host busy time per request, pipeline / bypass (ms)',
    `${busyPipeline.toFixed(2)} / ${busyWithout.toFixed(2)}`,
  );
  row('pipeline cost by busy time (1 - bypass/pipeline)', percent(1 - busyWithout / busyPipeline));
}

async function benchJwt(host: LocalHost): Promise<void> {
  const { issuer } = host.services;
  const settings = verifierOptionsFrom(host.services.config);
  const keys = createLocalJWKSet(issuer.jwks() as Parameters<typeof createLocalJWKSet>[0]);
  const verifier = createTokenVerifier({ ...settings, keys, cacheSize: 0 });
  const token = await issuer.mint({ roles: ['EDS.Reader'], divisions: ['DC'] });
  const count = 3000;
  const started = performance.now();
  for (let i = 0; i < count; i += 1) await verifier.verify(token);
  row(
    'JWT verifications, full RS256 (per s)',
    (count / ((performance.now() - started) / 1000)).toFixed(0),
  );
  const cached = createTokenVerifier({ ...settings, keys });
  const cachedStarted = performance.now();
  for (let i = 0; i < count; i += 1) await cached.verify(token);
  row(
    'JWT verifications, repeat token cached (per s)',
    (count / ((performance.now() - cachedStarted) / 1000)).toFixed(0),
  );
}

async function benchAudit(host: LocalHost): Promise<void> {
  const { auditTrail } = host.services;
  const count = 2000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      auditTrail.append({
        type: 'security.event',
        actor: 'bench',
        correlationId: randomUUID(),
        outcome: 'success',
        name: 'bench.append',
        detail: { index: i },
      }),
    ),
  );
  row(
    'audit appends (per s, 2,000 concurrent)',
    (count / ((performance.now() - started) / 1000)).toFixed(0),
  );
  const verifyStarted = performance.now();
  const result = await auditTrail.verify();
  const events = result.count;
  row(
    'audit verification (events per s)',
    (events / ((performance.now() - verifyStarted) / 1000)).toFixed(0),
    `${result.status}, ${events} events`,
  );
}

async function benchColdStart(): Promise<void> {
  const distFunctions = fileURLToPath(new URL('../functions', import.meta.url));
  const entryPoints = await listEntryPoints(distFunctions);
  const samples: number[] = [];
  for (let i = 0; i < 5; i += 1) samples.push(await measureColdStart(entryPoints));
  row(
    `load ${entryPoints.length} compiled entry points (ms, median of 5)`,
    median(samples).toFixed(0),
    'target < 300 ms',
  );
}

/** Runs `work` against a local host on a fresh data directory, then removes both. */
async function withBenchHost(work: (host: LocalHost) => Promise<void>): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'eds-bench-'));
  const host = await startLocalHost({
    port: 0,
    // Timers (audit relay, key rotation) would run in the middle of a measured round.
    scheduleTimers: false,
    env: {
      EDS_DATA_DIR: dataDir,
      EDS_LOG_LEVEL: 'silent',
      EDS_RATE_LIMIT_PER_PRINCIPAL: '100000000',
      EDS_RATE_LIMIT_PER_ADDRESS: '100000000',
    },
  });
  try {
    await work(host);
  } finally {
    await host.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  process.stdout.write(`EDS benchmark — node ${process.version}, loopback only\n\n`);
  // `npm run bench -- --pipeline-only`: the pipeline comparison alone, for quick iterations.
  if (process.argv.includes('--pipeline-only')) {
    await withBenchHost(benchPipeline);
    clearInterval(sampler);
    return;
  }
  await benchColdStart();
  await withBenchHost(async (host) => {
    await benchPipeline(host);
    await benchJwt(host);
    await benchAudit(host);
    await runStoreBench(host, row);
  });
  clearInterval(sampler);
  row(
    'peak RSS, bench process with the host (MB)',
    (peakRss / 1024 / 1024).toFixed(0),
    'target < 1,500 MB',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : 'unknown'}\n`);
  process.exitCode = 1;
});
