/** Result of driving one URL with a fixed number of concurrent keep-alive clients. */
export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly latenciesMs: readonly number[];
}

/** How {@link runLoad} drives a URL. */
export interface LoadOptions {
  readonly headers?: Record<string, string>;
  readonly concurrency: number;
  readonly durationMs: number;
  readonly expectStatus?: number;
}

/**
 * Sends GET requests to a loopback URL from `concurrency` loops for `durationMs`, bounded in time
 * and count, and counts responses with the expected status.
 */
export async function runLoad(url: string, options: LoadOptions): Promise<LoadResult> {
  const deadline = performance.now() + options.durationMs;
  const latencies: number[] = [];
  let requests = 0;
  let errors = 0;
  const worker = async () => {
    while (performance.now() < deadline && requests < 1_000_000) {
      const started = performance.now();
      const response = await fetch(url, { headers: options.headers ?? {} });
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      requests += 1;
      if (response.status !== (options.expectStatus ?? 200)) errors += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { requests, errors, seconds, perSecond: requests / seconds, latenciesMs: latencies };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}
