import { randomInt } from 'node:crypto';
import { Agent, get as httpGet } from 'node:http';

/** Result of driving one URL with a fixed number of concurrent keep-alive clients. */
export interface LoadResult {
  readonly requests: number;
  /** Responses other than 200, and requests that failed. */
  readonly errors: number;
  readonly perSecond: number;
}

/** How {@link runLoad} drives a URL. */
export interface LoadOptions {
  readonly headers?: Record<string, string>;
  readonly concurrency: number;
  readonly durationMs: number;
}

/**
 * Keep-alive agents by origin, kept across runs so a round does not open new connections. One
 * socket per client loop.
 */
const agents = new Map<string, Agent>();

function agentFor(origin: string, concurrency: number): Agent {
  let agent = agents.get(origin);
  if (agent === undefined || agent.maxSockets < concurrency) {
    agent?.destroy();
    agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    agents.set(origin, agent);
  }
  return agent;
}

/** One GET; resolves to the status once the whole body has been read. */
function get(url: URL, agent: Agent, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { agent, headers }, (response) => {
      response.on('data', () => undefined);
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

/**
 * Sends GET requests to a loopback URL from `concurrency` loops for `durationMs`, bounded in time
 * and count, and counts the responses that are not 200 and the requests that failed.
 *
 * `node:http` rather than `fetch`: against a loopback server answering a list-sized body, `fetch`
 * spent about 280 µs of CPU a request and `node:http` about 85 µs; on a 2-core machine the
 * generator's CPU competes with the host it measures (bench/PIPELINE-COST.md).
 */
export async function runLoad(url: string, options: LoadOptions): Promise<LoadResult> {
  const target = new URL(url);
  const agent = agentFor(target.origin, options.concurrency);
  const headers = options.headers ?? {};
  const deadline = performance.now() + options.durationMs;
  let requests = 0;
  let errors = 0;
  const worker = async () => {
    while (performance.now() < deadline && requests < 1_000_000) {
      const status = await get(target, agent, headers).catch(() => 0);
      requests += 1;
      if (status !== 200) errors += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { requests, errors, perSecond: requests / seconds };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * A percentile bootstrap interval for the median of `values`: resamples them with replacement
 * `resamples` times and returns the 2.5th and 97.5th percentiles of the resampled medians. It
 * says how far the median would move on another run of the same machine, not how fast the code
 * is.
 */
export function medianInterval(values: readonly number[], resamples = 2000): [number, number] {
  if (values.length === 0) return [Number.NaN, Number.NaN];
  const medians: number[] = [];
  const sample = new Array<number>(values.length);
  for (let round = 0; round < resamples; round += 1) {
    for (let i = 0; i < values.length; i += 1) {
      sample[i] = values[randomInt(values.length)] ?? Number.NaN;
    }
    medians.push(median(sample));
  }
  return [percentile(medians, 2.5), percentile(medians, 97.5)];
}
