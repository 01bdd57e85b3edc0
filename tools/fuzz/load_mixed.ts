/**
 * The mixed load of issue 23's "Done when": N clients for S seconds, each sending a valid 640x480
 * face photo (JPEG or PNG) or, with probability `badShare`, a bad input from the fuzz generators;
 * `/healthz` and the server's RSS are sampled meanwhile. An idle baseline (one request at a time)
 * is measured first in the same run, so the figures under load are also given as ratios.
 *
 * @module
 */
import { type FuzzAssets, type FuzzCase, HEALTH_CASE } from "./cases.ts";
import { canaryChecks, fingerprint } from "./canary.ts";
import { GENERATORS, randomCase } from "./generators.ts";
import { caseRng, pick } from "./random.ts";
import type { Target } from "./targets.ts";
import { percentile } from "../../term/latency_stats.ts";
import {
  healthLine,
  latencyLine,
  rssLine,
  rssTimeline,
  sampleHealth,
  sampleRss,
  summarizeRss,
} from "./samplers.ts";

/** Which bad inputs the mixed load draws from. */
export type BadMix =
  /** Every fuzz generator except the huge images (seconds each on an unfixed server). */
  | "fuzz"
  /**
   * Only the header-level generators: random bytes, declared sizes, lying headers, classify
   * bodies, malformed paths, wrong methods (most refusable from the headers or a few bytes).
   */
  | "cheap";

const CHEAP = new Set([
  "random-bytes",
  "declared-size",
  "lying-header",
  "classify-body",
  "malformed-path",
  "wrong-method",
]);

/** Options for {@link runMixedLoad}. */
export interface MixedLoadOptions {
  target: Target;
  /** Where `/healthz` is probed. */
  base: string;
  assets: FuzzAssets;
  clients: number;
  seconds: number;
  badShare: number;
  badMix: BadMix;
  seed: number;
}

/** One request of the load. */
interface Sample {
  bad: boolean;
  status: string;
  ms: number;
  /** Valid requests: whether the answer matched the idle answer. */
  same?: boolean;
}

/** `count` bad cases drawn from the generators `mix` allows (built before the clock starts). */
export function badPool(seed: number, count: number, assets: FuzzAssets, mix: BadMix): FuzzCase[] {
  const generators = GENERATORS.filter((g) =>
    g.name !== "huge-image" && (mix === "fuzz" || CHEAP.has(g.name))
  );
  return Array.from({ length: count }, (_, i) => randomCase(seed, i, assets, generators));
}

const statusKey = (status: number | string) => String(status);

/** Runs the load and returns the printed summary lines. */
export async function runMixedLoad(options: MixedLoadOptions): Promise<string[]> {
  const { target, assets } = options;
  const valid = canaryChecks(assets).filter((c) => c.name !== "classify");
  const expected = new Map<FuzzCase, string>();
  const bad = badPool(options.seed, 300, assets, options.badMix);
  // Idle baseline, one request at a time: each valid photo (its answer is the reference), a cheap
  // refusal and /healthz.
  const idle = { valid: [] as number[], refusal: [] as number[], health: [] as number[] };
  const refusal = bad.find((c) => c.generator === "random-bytes") ?? bad[0];
  for (let round = 0; round < 10; round++) {
    for (const check of valid) {
      const answer = await target.send(check.request);
      if (round > 0) idle.valid.push(answer.ms);
      if (round === 1) expected.set(check.request, fingerprint(answer));
    }
    idle.refusal.push((await target.send(refusal)).ms);
    idle.health.push((await target.send(HEALTH_CASE)).ms);
  }
  const samples: Sample[] = [];
  const rss = sampleRss(() => target.rss(), 500);
  const health = sampleHealth(options.base, 100);
  const deadline = performance.now() + options.seconds * 1000;
  let goneAfterS: number | undefined;
  const t0 = performance.now();
  const client = async (id: number) => {
    const rng = caseRng(options.seed, 1_000_000 + id);
    while (performance.now() < deadline && goneAfterS === undefined) {
      const isBad = rng.next() < options.badShare;
      const fuzzCase = isBad ? pick(rng, bad) : pick(rng, valid).request;
      const answer = await target.send(fuzzCase);
      const sample: Sample = { bad: isBad, status: statusKey(answer.status), ms: answer.ms };
      if (!isBad) sample.same = fingerprint(answer) === expected.get(fuzzCase);
      samples.push(sample);
      // A failed connection on an ordinary request: the server is gone; stop rather than spin.
      if (answer.status === "error" && fuzzCase.contentLength === undefined) {
        goneAfterS ??= (performance.now() - t0) / 1000;
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
  const wallS = (performance.now() - t0) / 1000;
  const healthSamples = await health.stop();
  const rssSamples = await rss.stop();
  const lines = summarize(options, samples, wallS, idle, healthSamples, rssSamples);
  if (goneAfterS !== undefined) {
    lines.push(
      `  the server was GONE ${goneAfterS.toFixed(1)} s into the load; the load stopped: FAIL`,
    );
  }
  return lines;
}

function histogram(samples: Sample[]): string {
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${s}x${n}`).join(" ");
}

function ratio(loaded: number[], idle: number[]): string {
  if (loaded.length === 0 || idle.length === 0) return "-";
  return `${(percentile(loaded, 0.5) / percentile(idle, 0.5)).toFixed(1)}x idle p50`;
}

function summarize(
  options: MixedLoadOptions,
  samples: Sample[],
  wallS: number,
  idle: { valid: number[]; refusal: number[]; health: number[] },
  healthSamples: Awaited<ReturnType<ReturnType<typeof sampleHealth>["stop"]>>,
  rssSamples: Awaited<ReturnType<ReturnType<typeof sampleRss>["stop"]>>,
): string[] {
  const badSamples = samples.filter((s) => s.bad);
  const validSamples = samples.filter((s) => !s.bad);
  const isNum = (s: Sample) => /^\d+$/.test(s.status);
  const serverErrors = samples.filter((s) => isNum(s) && Number(s.status) >= 500).length;
  const refusals = badSamples.filter((s) =>
    isNum(s) && Number(s.status) >= 400 && Number(s.status) < 500
  );
  const predictions = validSamples.filter((s) => s.status === "200");
  const changed = validSamples.filter((s) => s.same === false).length;
  const healthMs = healthSamples.map((s) => s.ms);
  const rss = summarizeRss(rssSamples);
  const refusalP50 = refusals.length ? percentile(refusals.map((s) => s.ms), 0.5) : Infinity;
  const verdict = serverErrors === 0 && changed === 0 && refusalP50 < 50 &&
    rss.steady !== undefined && rss.steady <= 400e6;
  return [
    `mixed load: ${options.clients} clients, ${wallS.toFixed(1)} s, ${
      Math.round(options.badShare * 100)
    }% ` +
    `bad inputs (${options.badMix} mix), ${samples.length} requests (${
      (samples.length / wallS).toFixed(1)
    }/s)`,
    `  valid photos: ${validSamples.length} -> ${histogram(validSamples)}`,
    `  bad inputs:   ${badSamples.length} -> ${histogram(badSamples)}`,
    `  5xx: ${serverErrors}; valid answers differing from the idle answer: ${changed}`,
    `  refusals (bad -> 4xx): ${latencyLine(refusals.map((s) => s.ms))}; ${
      ratio(refusals.map((s) => s.ms), idle.refusal)
    }`,
    `  valid predictions (200): ${latencyLine(predictions.map((s) => s.ms))}; ${
      ratio(predictions.map((s) => s.ms), idle.valid)
    }`,
    `  /healthz meanwhile: ${healthLine(healthSamples)}; ${ratio(healthMs, idle.health)}`,
    `  idle baseline: valid ${latencyLine(idle.valid)}; refusal ${latencyLine(idle.refusal)}; ` +
    `/healthz ${latencyLine(idle.health)}`,
    `  server RSS: ${rssLine(rss)}`,
    `  RSS over time: ${rssTimeline(rssSamples)}`,
    `  => ${
      verdict ? "PASS" : "FAIL"
    } (target: 0 5xx, valid answers unchanged, refusals p50 < 50 ms, ` +
    `steady RSS <= 400 MB)`,
  ];
}
