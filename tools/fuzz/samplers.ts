/**
 * Background measurements for the load benchmark: `/healthz` latency sampled at an interval, and
 * the server's RSS sampled at an interval, each until stopped; plus their summaries.
 *
 * @module
 */
import { percentile } from "../../term/latency_stats.ts";
import { mb } from "./rss.ts";

/** One `/healthz` probe. */
export interface HealthSample {
  /** Milliseconds since the sampler started. */
  at: number;
  /** Latency in ms. */
  ms: number;
  /** HTTP status, or `timeout` / `error`. */
  status: number | "timeout" | "error";
}

/** A running sampler: `stop()` ends it and gives what it collected. */
export interface Sampler<T> {
  stop(): Promise<T[]>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Probes `GET base/healthz` every `intervalMs` (one at a time; `timeoutMs` each) until stopped. */
export function sampleHealth(
  base: string,
  intervalMs = 100,
  timeoutMs = 60_000,
): Sampler<HealthSample> {
  const samples: HealthSample[] = [];
  let running = true;
  const t0 = performance.now();
  const loop = (async () => {
    while (running) {
      const start = performance.now();
      let status: HealthSample["status"];
      try {
        const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
        await response.arrayBuffer();
        status = response.status;
      } catch (error) {
        status = (error as Error).name === "TimeoutError" ? "timeout" : "error";
      }
      const end = performance.now();
      samples.push({ at: Math.round(start - t0), ms: end - start, status });
      await sleep(Math.max(0, intervalMs - (end - start)));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

/** One RSS reading. */
export interface RssSample {
  /** Milliseconds since the sampler started. */
  at: number;
  bytes: number;
}

/** Reads `read()` every `intervalMs` until stopped (unreadable samples are skipped). */
export function sampleRss(read: () => number | undefined, intervalMs = 500): Sampler<RssSample> {
  const samples: RssSample[] = [];
  const t0 = performance.now();
  const take = () => {
    const bytes = read();
    if (bytes !== undefined) samples.push({ at: Math.round(performance.now() - t0), bytes });
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return Promise.resolve(samples);
    },
  };
}

/** p50 / p99 / max of `values` in ms, or `-` when there are none. */
export function latencyLine(values: number[]): string {
  if (values.length === 0) return "-";
  const f = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
  return `p50 ${f(percentile(values, 0.5))} ms, p99 ${f(percentile(values, 0.99))} ms, ` +
    `max ${f(Math.max(...values))} ms (n=${values.length})`;
}

/** `/healthz` samples summarised: latency and any non-200 answers. */
export function healthLine(samples: HealthSample[]): string {
  const bad = samples.filter((s) => s.status !== 200).length;
  return `${latencyLine(samples.map((s) => s.ms))}${bad ? `, ${bad} not 200` : ""}`;
}

/** RSS start, steady (median of the last half), max and end. */
export interface RssSummary {
  start?: number;
  steady?: number;
  max?: number;
  end?: number;
}

/** Summarises RSS samples. */
export function summarizeRss(samples: RssSample[]): RssSummary {
  if (samples.length === 0) return {};
  const lastHalf = samples.slice(Math.floor(samples.length / 2)).map((s) => s.bytes);
  return {
    start: samples[0].bytes,
    steady: percentile(lastHalf, 0.5),
    max: Math.max(...samples.map((s) => s.bytes)),
    end: samples[samples.length - 1].bytes,
  };
}

/** `start X, steady Y, max Z, end W`. */
export function rssLine(summary: RssSummary): string {
  return `start ${mb(summary.start)}, steady ${mb(summary.steady)} (median of the last half), ` +
    `max ${mb(summary.max)}, end ${mb(summary.end)}`;
}

/** RSS every `stepMs` (the last sample at or before each step), e.g. `0s 210 | 5s 380 | ...` MB. */
export function rssTimeline(samples: RssSample[], stepMs = 5000): string {
  if (samples.length === 0) return "-";
  const parts: string[] = [];
  const last = samples[samples.length - 1].at;
  for (let t = 0; t <= last; t += stepMs) {
    const sample = samples.filter((s) => s.at <= t).pop() ?? samples[0];
    parts.push(`${Math.round(t / 1000)}s ${Math.round(sample.bytes / 1e6)}`);
  }
  return `${parts.join(" | ")} (MB)`;
}
