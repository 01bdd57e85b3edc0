/**
 * Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio, Kégl, NeurIPS 2011), the algorithm
 * behind the seed's `hyperopt.tpe.suggest`, for a flat space. After `startup` random trials, the
 * finished trials are split into the best `ceil(gamma * sqrt(n))` ("good") and the rest; each
 * dimension gets a Parzen density for both groups (truncated Gaussians with neighbour-distance
 * bandwidths plus a wide prior component, or smoothed counts for choices), `candidates` points are
 * drawn from the good density and the one maximising good/bad density is suggested. Like
 * hyperopt's defaults: gamma 0.25, 24 candidates, prior weight 1.
 *
 * @module
 */
import type { Random } from "../rng.ts";
import {
  type ChoiceParam,
  fromInternal,
  internalBounds,
  type Param,
  type Params,
  type RealParam,
  toInternal,
} from "./space.ts";

/** A finished trial as the sampler sees it. */
export interface Observation {
  params: Params;
  /** Higher is better (PublicTest accuracy). */
  score: number;
}

/** TPE settings. */
export interface TpeOptions {
  /** Random trials before modelling starts (default 10). */
  startup?: number;
  /** Fraction (of sqrt n) counted as good (default 0.25). */
  gamma?: number;
  /** Candidates drawn per suggestion (default 24). */
  candidates?: number;
}

function normal(random: Random): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 +
            t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** A Parzen mixture of Gaussians truncated to `[low, high]`. */
export interface Parzen {
  mus: number[];
  sigmas: number[];
  low: number;
  high: number;
}

/**
 * Builds the mixture for `points` (internal space): one component per point with a bandwidth of
 * the larger gap to its sorted neighbours, clipped to [range / min(100, n + 1), range], plus the
 * prior component centred in the range with sigma = range.
 */
export function parzen(points: readonly number[], low: number, high: number): Parzen {
  const range = high - low;
  const entries = [
    ...points.map((mu) => ({ mu, prior: false })),
    { mu: (low + high) / 2, prior: true },
  ].sort((a, b) => a.mu - b.mu);
  const minSigma = range / Math.min(100, points.length + 1);
  const sigmas = entries.map(({ mu, prior }, i) => {
    if (prior) return range;
    const left = i > 0 ? mu - entries[i - 1].mu : mu - low;
    const right = i < entries.length - 1 ? entries[i + 1].mu - mu : high - mu;
    return Math.min(range, Math.max(minSigma, left, right));
  });
  return { mus: entries.map((e) => e.mu), sigmas, low, high };
}

/** Log density of `x` under the truncated mixture (equal weights). */
export function parzenLogPdf(p: Parzen, x: number): number {
  let sum = 0;
  for (let i = 0; i < p.mus.length; i++) {
    const s = p.sigmas[i];
    const z = (x - p.mus[i]) / s;
    const mass = normalCdf((p.high - p.mus[i]) / s) - normalCdf((p.low - p.mus[i]) / s);
    sum += Math.exp(-0.5 * z * z) / (s * Math.sqrt(2 * Math.PI) * Math.max(mass, 1e-12));
  }
  return Math.log(sum / p.mus.length + 1e-300);
}

/** Draws from the truncated mixture (rejection, clipped after 100 tries). */
export function parzenSample(p: Parzen, random: Random): number {
  const i = Math.min(p.mus.length - 1, Math.floor(random() * p.mus.length));
  for (let tries = 0; tries < 100; tries++) {
    const x = p.mus[i] + p.sigmas[i] * normal(random);
    if (x >= p.low && x <= p.high) return x;
  }
  return Math.min(p.high, Math.max(p.low, p.mus[i]));
}

/** A uniformly random point of the space. */
export function randomParams(space: readonly Param[], random: Random): Params {
  const params: Params = {};
  for (const p of space) {
    if (p.kind === "choice") {
      params[p.field] = p.options[Math.floor(random() * p.options.length)];
    } else {
      const [lo, hi] = internalBounds(p);
      params[p.field] = fromInternal(p, lo + (hi - lo) * random());
    }
  }
  return params;
}

/** Splits observations into the best `ceil(gamma * sqrt(n))` and the rest. */
export function splitObservations(
  observations: readonly Observation[],
  gamma: number,
): [Observation[], Observation[]] {
  const sorted = [...observations].sort((a, b) => b.score - a.score);
  const good = Math.max(1, Math.ceil(gamma * Math.sqrt(sorted.length)));
  return [sorted.slice(0, good), sorted.slice(good)];
}

function suggestReal(
  p: RealParam,
  good: Observation[],
  bad: Observation[],
  candidates: number,
  random: Random,
): number {
  const [lo, hi] = internalBounds(p);
  const l = parzen(good.map((o) => toInternal(p, o.params[p.field] as number)), lo, hi);
  const g = parzen(bad.map((o) => toInternal(p, o.params[p.field] as number)), lo, hi);
  let best = parzenSample(l, random);
  let bestScore = -Infinity;
  for (let c = 0; c < candidates; c++) {
    const x = c === 0 ? best : parzenSample(l, random);
    const score = parzenLogPdf(l, x) - parzenLogPdf(g, x);
    if (score > bestScore) [best, bestScore] = [x, score];
  }
  return fromInternal(p, best);
}

function suggestChoice(
  p: ChoiceParam,
  good: Observation[],
  bad: Observation[],
  candidates: number,
  random: Random,
): string {
  const weights = (group: Observation[]) =>
    p.options.map((o) =>
      (group.filter((ob) => ob.params[p.field] === o).length + 1) /
      (group.length + p.options.length)
    );
  const l = weights(good);
  const g = weights(bad);
  let best = p.options[0];
  let bestScore = -Infinity;
  for (let c = 0; c < candidates; c++) {
    let r = random();
    let k = 0;
    while (k < l.length - 1 && r >= l[k]) r -= l[k++];
    const score = Math.log(l[k]) - Math.log(g[k]);
    if (score > bestScore) [best, bestScore] = [p.options[k], score];
  }
  return best;
}

/** Suggests the next point given the finished trials (random during start-up). */
export function suggestTpe(
  space: readonly Param[],
  observations: readonly Observation[],
  random: Random,
  options: TpeOptions = {},
): Params {
  const startup = options.startup ?? 10;
  if (observations.length < startup) return randomParams(space, random);
  const [good, bad] = splitObservations(observations, options.gamma ?? 0.25);
  const candidates = options.candidates ?? 24;
  const params: Params = {};
  for (const p of space) {
    params[p.field] = p.kind === "choice"
      ? suggestChoice(p, good, bad, candidates, random)
      : suggestReal(p, good, bad, candidates, random);
  }
  return params;
}
