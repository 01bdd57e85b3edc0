/**
 * Paired comparison of two classifiers on the same items: both accuracies, the difference with a
 * seeded percentile-bootstrap confidence interval (items resampled as pairs, so what both models
 * get right or wrong together cancels), McNemar's exact two-sided test on the discordant pairs,
 * and per-class recall deltas. Pure: numbers in, numbers out.
 *
 * ```ts
 * const result = comparePaired({ labels, predictedA, predictedB, classes: 7 });
 * // result.difference = accuracy(B) - accuracy(A); result.mcnemar.p < 0.05: a real change
 * ```
 *
 * @module
 */
import { Rng } from "../rng.ts";

/** Inputs of {@link comparePaired}: one true label and one prediction per model for each item. */
export interface PairedInput {
  /** True class per item. */
  labels: ArrayLike<number>;
  /** Model A's class per item; -1 (or any class outside 0..classes-1) = no answer, counted wrong. */
  predictedA: ArrayLike<number>;
  /** Model B's class per item, same convention. */
  predictedB: ArrayLike<number>;
  /** Number of classes. */
  classes: number;
}

/** Options of {@link comparePaired}. */
export interface PairedOptions {
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
  /** Seed of the bootstrap's generator (default 2013), so the interval is reproducible. */
  seed?: number;
  /** Confidence level of the interval (default 0.95). */
  level?: number;
}

/** Recall of one class under both models. */
export interface ClassRecallDelta {
  /** Class index. */
  class: number;
  /** Items of this class. */
  support: number;
  /** Model A's recall on it (0 when the class has no items). */
  recallA: number;
  /** Model B's recall on it. */
  recallB: number;
  /** `recallB - recallA`. */
  delta: number;
}

/** Everything {@link comparePaired} measures. */
export interface PairedComparison {
  /** Items compared. */
  count: number;
  /** Model A's accuracy in 0..1. */
  accuracyA: number;
  /** Model B's accuracy in 0..1. */
  accuracyB: number;
  /** `accuracyB - accuracyA`. */
  difference: number;
  /** Percentile-bootstrap interval of the difference. */
  interval: { level: number; lower: number; upper: number; resamples: number; seed: number };
  /** McNemar's exact test: `b` = A right and B wrong, `c` = A wrong and B right. */
  mcnemar: { b: number; c: number; p: number };
  /** Per-class recalls, in class order. */
  perClass: ClassRecallDelta[];
}

/** ln(1 + e^x) without overflow, for summing probabilities held as logarithms. */
function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const hi = Math.max(a, b);
  return hi + Math.log1p(Math.exp(Math.min(a, b) - hi));
}

/**
 * P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so large `n` (thousands of discordant
 * pairs) neither underflows `2^-n` nor overflows the binomial coefficients.
 */
export function binomialHalfCdf(k: number, n: number): number {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`n must be a whole number >= 0`);
  if (k < 0) return 0;
  if (k >= n) return 1;
  let logTerm = -n * Math.LN2; // P(X = 0)
  let logSum = logTerm;
  for (let i = 0; i < k; i++) {
    logTerm += Math.log((n - i) / (i + 1)); // P(X = i + 1) from P(X = i)
    logSum = logAddExp(logSum, logTerm);
  }
  return Math.min(1, Math.exp(logSum));
}

/**
 * McNemar's exact two-sided p-value for `b` and `c` discordant pairs: twice the smaller binomial
 * tail, `2 * P(X <= min(b, c))` with X ~ Binomial(b + c, 1/2), capped at 1 (1 when there are no
 * discordant pairs). Example: b = 3, c = 10 gives 2 * 378 / 8192 = 0.09229.
 */
export function mcnemarExactP(b: number, c: number): number {
  for (const [name, v] of [["b", b], ["c", c]] as const) {
    if (!(Number.isInteger(v) && v >= 0)) {
      throw new RangeError(`${name} must be a whole number >= 0`);
    }
  }
  const n = b + c;
  if (n === 0) return 1;
  return Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), n));
}

/** The `q` quantile (0..1) of sorted values, by linear interpolation between order statistics. */
function quantileSorted(sorted: Float64Array, q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/**
 * Percentile-bootstrap interval of `mean(correctB) - mean(correctA)`: `resamples` times, draw `n`
 * items with replacement (the same draw for both models) and take the difference of their
 * accuracies on it.
 */
export function pairedBootstrapInterval(
  correctA: Uint8Array,
  correctB: Uint8Array,
  options: PairedOptions = {},
): PairedComparison["interval"] {
  const n = correctA.length;
  if (correctB.length !== n) throw new RangeError("the two models scored different item counts");
  const resamples = options.resamples ?? 2000;
  const seed = options.seed ?? 2013;
  const level = options.level ?? 0.95;
  if (!(Number.isInteger(resamples) && resamples >= 1)) {
    throw new RangeError("resamples must be a whole number >= 1");
  }
  if (!(level > 0 && level < 1)) throw new RangeError("level must be in (0, 1)");
  if (n === 0) return { level, lower: 0, upper: 0, resamples, seed };
  // Per item, B's score minus A's: -1, 0 or +1; a resample's difference is the mean of its draws.
  const delta = new Int8Array(n);
  for (let i = 0; i < n; i++) delta[i] = correctB[i] - correctA[i];
  const rng = new Rng(seed);
  const differences = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += delta[Math.floor(rng.next() * n)];
    differences[r] = sum / n;
  }
  differences.sort();
  const tail = (1 - level) / 2;
  return {
    level,
    lower: quantileSorted(differences, tail),
    upper: quantileSorted(differences, 1 - tail),
    resamples,
    seed,
  };
}

/** Compares model A and model B on the same items (see the module doc). */
export function comparePaired(input: PairedInput, options: PairedOptions = {}): PairedComparison {
  const { labels, predictedA, predictedB, classes } = input;
  const n = labels.length;
  if (predictedA.length !== n || predictedB.length !== n) {
    throw new RangeError(
      `${n} labels but ${predictedA.length} predictions from A and ${predictedB.length} from B`,
    );
  }
  const correctA = new Uint8Array(n);
  const correctB = new Uint8Array(n);
  const support = new Array<number>(classes).fill(0);
  const hitsA = new Array<number>(classes).fill(0);
  const hitsB = new Array<number>(classes).fill(0);
  let b = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    if (!(Number.isInteger(label) && label >= 0 && label < classes)) {
      throw new RangeError(`item ${i}: label ${label} is not a class index below ${classes}`);
    }
    correctA[i] = predictedA[i] === label ? 1 : 0;
    correctB[i] = predictedB[i] === label ? 1 : 0;
    support[label]++;
    hitsA[label] += correctA[i];
    hitsB[label] += correctB[i];
    if (correctA[i] && !correctB[i]) b++;
    if (!correctA[i] && correctB[i]) c++;
  }
  const accuracyA = n ? hitsA.reduce((x, y) => x + y, 0) / n : 0;
  const accuracyB = n ? hitsB.reduce((x, y) => x + y, 0) / n : 0;
  const perClass = support.map((s, k) => {
    const recallA = s ? hitsA[k] / s : 0;
    const recallB = s ? hitsB[k] / s : 0;
    return { class: k, support: s, recallA, recallB, delta: recallB - recallA };
  });
  return {
    count: n,
    accuracyA,
    accuracyB,
    difference: accuracyB - accuracyA,
    interval: pairedBootstrapInterval(correctA, correctB, options),
    mcnemar: { b, c, p: mcnemarExactP(b, c) },
    perClass,
  };
}
