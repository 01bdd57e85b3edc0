/**
 * How far a model's confidence can be trusted: the reliability table (items grouped by their top
 * probability into equal-width bins, each bin's mean confidence against its accuracy), the expected
 * calibration error built from it, the mean negative log-likelihood, and the temperature that
 * minimises that likelihood on a split (a 1-D golden-section search on log T; the NLL of
 * `softmax(z / T)` is convex in 1/T, so the search finds the one minimum). Pure.
 *
 * ```ts
 * const { ece } = reliability(probabilities, labels, 7); // 15 bins
 * const t = fitTemperature(probabilities, labels, 7).temperature;
 * ```
 *
 * @module
 */
import { applyTemperature } from "../../src/classifier/temperature.ts";
import { Rng } from "../rng.ts";

/** One confidence bin of a {@link Reliability} table. */
export interface ReliabilityBin {
  /** Lower edge (exclusive, except 0 for the first bin). */
  lower: number;
  /** Upper edge (inclusive). */
  upper: number;
  /** Items whose top probability falls in the bin. */
  count: number;
  /** Their mean top probability (0 when empty). */
  confidence: number;
  /** Share of them whose top class is right (0 when empty). */
  accuracy: number;
}

/** Reliability table and expected calibration error of a set of predictions. */
export interface Reliability {
  /** Items. */
  count: number;
  /** `Σ (count_b / n) · |accuracy_b − confidence_b|` over the bins, in 0..1. */
  ece: number;
  /** Mean top probability. */
  confidence: number;
  /** Share of items whose top class is right. */
  accuracy: number;
  /** Equal-width bins over [0, 1]. */
  bins: ReliabilityBin[];
}

function checkShape(probabilities: ArrayLike<number>, labels: ArrayLike<number>, k: number) {
  if (!(k > 0) || probabilities.length !== labels.length * k) {
    throw new RangeError(
      `${probabilities.length} probabilities do not hold ${labels.length} rows of ${k}`,
    );
  }
}

/**
 * The reliability table of `probabilities` (`n × classes`) against `labels`, with `bins`
 * equal-width confidence bins (default 15, as the issue and Guo et al. use). A confidence exactly
 * on an edge goes to the lower bin (bins are `(lower, upper]`).
 */
export function reliability(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  bins = 15,
): Reliability {
  checkShape(probabilities, labels, classes);
  if (!(Number.isInteger(bins) && bins >= 1)) throw new RangeError("bins must be >= 1");
  const n = labels.length;
  const counts = new Array<number>(bins).fill(0);
  const confidenceSums = new Array<number>(bins).fill(0);
  const hits = new Array<number>(bins).fill(0);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) {
      if (probabilities[i * classes + k] > probabilities[i * classes + best]) best = k;
    }
    const confidence = probabilities[i * classes + best];
    const bin = Math.min(bins - 1, Math.max(0, Math.ceil(confidence * bins) - 1));
    counts[bin]++;
    confidenceSums[bin] += confidence;
    if (best === labels[i]) hits[bin]++;
  }
  let ece = 0;
  const table = counts.map((count, b) => {
    const confidence = count ? confidenceSums[b] / count : 0;
    const accuracy = count ? hits[b] / count : 0;
    ece += (count / Math.max(1, n)) * Math.abs(accuracy - confidence);
    return { lower: b / bins, upper: (b + 1) / bins, count, confidence, accuracy };
  });
  const sum = (xs: number[]) => xs.reduce((a, c) => a + c, 0);
  return {
    count: n,
    ece,
    confidence: n ? sum(confidenceSums) / n : 0,
    accuracy: n ? sum(hits) / n : 0,
    bins: table,
  };
}

/** Mean `-log p[label]` of `probabilities` rescaled to `temperature` (probabilities floored at 1e-12). */
export function meanNll(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  temperature = 1,
): number {
  checkShape(probabilities, labels, classes);
  const scaled = applyTemperature(probabilities, classes, temperature);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    sum -= Math.log(Math.max(1e-12, scaled[i * classes + labels[i]]));
  }
  return sum / Math.max(1, labels.length);
}

/** Options of {@link fitTemperature}. */
export interface FitTemperatureOptions {
  /** Smallest temperature searched (default 0.05). */
  min?: number;
  /** Largest temperature searched (default 20). */
  max?: number;
  /** Stop when the log-temperature bracket is this narrow (default 1e-5). */
  tolerance?: number;
}

/** The fitted temperature and the mean NLL at T = 1 and at it. */
export interface TemperatureFit {
  temperature: number;
  nll: { before: number; after: number };
}

/**
 * The temperature in `[min, max]` with the smallest mean NLL of `probabilities` on `labels`:
 * golden-section search on `log T`, where a factor of two up or down is the same step.
 */
export function fitTemperature(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  options: FitTemperatureOptions = {},
): TemperatureFit {
  checkShape(probabilities, labels, classes);
  if (labels.length === 0) throw new RangeError("cannot fit a temperature on no items");
  const min = options.min ?? 0.05;
  const max = options.max ?? 20;
  const tolerance = options.tolerance ?? 1e-5;
  if (!(min > 0 && max > min)) throw new RangeError("need 0 < min < max");
  const cost = (u: number) => meanNll(probabilities, labels, classes, Math.exp(u));
  const ratio = (Math.sqrt(5) - 1) / 2;
  let [a, b] = [Math.log(min), Math.log(max)];
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = cost(c);
  let fd = cost(d);
  while (b - a > tolerance) {
    if (fc <= fd) {
      [b, d, fd] = [d, c, fc];
      c = b - ratio * (b - a);
      fc = cost(c);
    } else {
      [a, c, fc] = [c, d, fd];
      d = a + ratio * (b - a);
      fd = cost(d);
    }
  }
  const temperature = Math.exp((a + b) / 2);
  return {
    temperature,
    nll: {
      before: meanNll(probabilities, labels, classes, 1),
      after: meanNll(probabilities, labels, classes, temperature),
    },
  };
}

/** What {@link crossFitTemperature} measured: per fold, the temperature and the held-out ECE. */
export interface CrossFit {
  /** Temperatures fitted, one per fold (2 per halving). */
  temperatures: number[];
  /** ECE of the held-out half at T = 1, per fold. */
  eceBefore: number[];
  /** ECE of the held-out half at its fold's temperature, per fold. */
  eceAfter: number[];
}

/**
 * An honest figure for a temperature fitted on the split it is reported on: `halvings` times, cut
 * the items in two at random (seeded), fit on each half and measure the ECE of the other.
 */
export function crossFitTemperature(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  halvings = 5,
  seed = 1,
  bins = 15,
): CrossFit {
  checkShape(probabilities, labels, classes);
  const n = labels.length;
  if (n < 2) throw new RangeError("a cross-fit needs at least 2 items");
  const subset = (rows: Uint32Array) => {
    const p = new Float32Array(rows.length * classes);
    const l = new Uint8Array(rows.length);
    rows.forEach((i, j) => {
      for (let k = 0; k < classes; k++) p[j * classes + k] = probabilities[i * classes + k];
      l[j] = labels[i];
    });
    return { p, l };
  };
  const out: CrossFit = { temperatures: [], eceBefore: [], eceAfter: [] };
  for (let h = 0; h < halvings; h++) {
    const order = new Rng(seed + h).permutation(n);
    const halves = [order.slice(0, n >> 1), order.slice(n >> 1)].map(subset);
    for (const [fit, held] of [[halves[0], halves[1]], [halves[1], halves[0]]]) {
      const t = fitTemperature(fit.p, fit.l, classes).temperature;
      out.temperatures.push(t);
      out.eceBefore.push(reliability(held.p, held.l, classes, bins).ece);
      out.eceAfter.push(
        reliability(applyTemperature(held.p, classes, t), held.l, classes, bins).ece,
      );
    }
  }
  return out;
}
