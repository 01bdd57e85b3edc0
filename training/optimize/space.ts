/**
 * The seed's hyperparameter search space (its hyperopt `space`): learning rate log-uniform in
 * 1e-5..0.1, learning-rate decay 0.5..0.99, optimizer parameter 0.5..0.99, dropout keep
 * probability 0.7..0.99, and the optimizer itself.
 *
 * @module
 */
import type { OptimizerName, TrainConfig } from "../config.ts";

/** A real-valued parameter, searched uniformly in `[low, high]` or in log space. */
export interface RealParam {
  kind: "uniform" | "loguniform";
  /** Config field it sets. */
  field: keyof TrainConfig;
  low: number;
  high: number;
}

/** A categorical parameter. */
export interface ChoiceParam {
  kind: "choice";
  field: keyof TrainConfig;
  options: readonly string[];
}

/** One dimension of the space. */
export type Param = RealParam | ChoiceParam;

/** A point in the space: config field -> value. */
export type Params = Record<string, number | string>;

/** The seed's space. */
export const SEED_SPACE: readonly Param[] = [
  { kind: "loguniform", field: "learningRate", low: 1e-5, high: 0.1 },
  { kind: "uniform", field: "learningRateDecay", low: 0.5, high: 0.99 },
  { kind: "uniform", field: "optimizerParam", low: 0.5, high: 0.99 },
  { kind: "uniform", field: "keepProb", low: 0.7, high: 0.99 },
  {
    kind: "choice",
    field: "optimizer",
    options: ["momentum", "adam", "rmsprop", "adagrad", "adadelta"] satisfies OptimizerName[],
  },
];

/** Value of a real parameter in the space the sampler works in (log for log-uniform). */
export function toInternal(param: RealParam, value: number): number {
  return param.kind === "loguniform" ? Math.log(value) : value;
}

/** Bounds of a real parameter in internal space. */
export function internalBounds(param: RealParam): [number, number] {
  return [toInternal(param, param.low), toInternal(param, param.high)];
}

/** Back from internal space, clamped into the bounds. */
export function fromInternal(param: RealParam, x: number): number {
  const [lo, hi] = internalBounds(param);
  const clamped = Math.min(hi, Math.max(lo, x));
  return param.kind === "loguniform" ? Math.exp(clamped) : clamped;
}

/** Throws unless `params` holds an in-range value for every dimension of `space`. */
export function validateParams(space: readonly Param[], params: Params): void {
  for (const p of space) {
    const v = params[p.field];
    if (p.kind === "choice") {
      if (!p.options.includes(v as string)) throw new Error(`${p.field}: ${v} is not an option`);
    } else if (typeof v !== "number" || !(v >= p.low * (1 - 1e-9) && v <= p.high * (1 + 1e-9))) {
      throw new Error(`${p.field}: ${v} is outside ${p.low}..${p.high}`);
    }
  }
}
