/**
 * Latency summaries for benchmarks: percentiles and throughput of a set of timed requests.
 *
 * @module
 */

/** A latency summary in milliseconds. */
export interface LatencySummary {
  /** Number of timed requests. */
  count: number;
  /** Median latency. */
  p50: number;
  /** 95th-percentile latency. */
  p95: number;
  /** Requests completed per second of wall time. */
  rps: number;
}

/** The `q`-quantile (0..1) of `values` by the nearest-rank method. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError("no values");
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}

/** Summarises per-request latencies measured over `wallMs` of wall time. */
export function summarize(latencies: readonly number[], wallMs: number): LatencySummary {
  return {
    count: latencies.length,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    rps: wallMs > 0 ? (latencies.length * 1000) / wallMs : 0,
  };
}

/**
 * Runs `task` `count` times with at most `concurrency` in flight and returns each run's latency
 * and the wall time of the whole batch.
 */
export async function runConcurrent(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
  onDone?: () => void,
): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const t0 = performance.now();
      await task(index);
      latencies.push(performance.now() - t0);
      onDone?.();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { latencies, wallMs: performance.now() - started };
}
