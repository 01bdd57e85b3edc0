/**
 * Batch-norm gradient for wasm in two passes: tfjs-core's `FusedBatchNorm` gradient builds its five
 * derivatives from about a dozen full-size elementwise ops (sub, several muls, a tile, four sums).
 * Here one pass accumulates sum(dy) and sum(dy * (x - mean)) per channel and a second writes dx.
 * The gradient override applies only on wasm with per-channel (rank-1) statistics; everything
 * else uses tfjs-core's own gradient.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { f32View, makeF32Output } from "../wasm_heap.ts";

/** Name of the kernel registered on wasm. */
export const BATCH_NORM_GRAD_KERNEL = "FerEdgeBatchNormGrad";

/** Kernel function: inputs x, dy, mean, variance, optional scale; outputs dx, dmean, dvariance, dscale, doffset. */
export const batchNormGrad: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, dy, mean, variance, scale } = inputs as Record<string, tf.TensorInfo | undefined>;
  const epsilon = (attrs as { varianceEpsilon: number }).varianceEpsilon;
  const channels = mean!.shape[0];
  const size = x!.shape.reduce((a, b) => a * b, 1);
  const rows = size / channels;
  const dx = makeF32Output(backend, x!.shape);
  const dMean = makeF32Output(backend, [channels]);
  const dVariance = makeF32Output(backend, [channels]);
  const dScale = makeF32Output(backend, [channels]);
  const dOffset = makeF32Output(backend, [channels]);
  const xv = f32View(backend, x!);
  const g = f32View(backend, dy!);
  const m = f32View(backend, mean!);
  const v = f32View(backend, variance!);
  const s = scale ? f32View(backend, scale) : undefined;
  const sumDy = new Float64Array(channels);
  const sumDyXm = new Float64Array(channels);
  // sum(dy * (x - mean)) = sum(dy * x) - mean * sum(dy); two rows per pass halve the accumulator
  // traffic.
  const sumDyX = new Float64Array(channels);
  let r = 0;
  for (; r + 2 <= rows; r += 2) {
    const b0 = r * channels;
    const b1 = b0 + channels;
    for (let c = 0; c < channels; c++) {
      const d0 = g[b0 + c];
      const d1 = g[b1 + c];
      sumDy[c] += d0 + d1;
      sumDyX[c] += d0 * xv[b0 + c] + d1 * xv[b1 + c];
    }
  }
  for (; r < rows; r++) {
    const base = r * channels;
    for (let c = 0; c < channels; c++) {
      sumDy[c] += g[base + c];
      sumDyX[c] += g[base + c] * xv[base + c];
    }
  }
  for (let c = 0; c < channels; c++) sumDyXm[c] = sumDyX[c] - m[c] * sumDy[c];
  const rstd = new Float64Array(channels);
  const factor = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    rstd[c] = 1 / Math.sqrt(v[c] + epsilon);
    factor[c] = rstd[c] * (s ? s[c] : 1);
  }
  const out = f32View(backend, dx);
  for (let i = 0, c = 0; i < size; i++) {
    out[i] = g[i] * factor[c];
    if (++c === channels) c = 0;
  }
  const dm = f32View(backend, dMean);
  const dv = f32View(backend, dVariance);
  const ds = f32View(backend, dScale);
  const dof = f32View(backend, dOffset);
  for (let c = 0; c < channels; c++) {
    const sc = s ? s[c] : 1;
    dm[c] = -rstd[c] * sc * sumDy[c];
    dv[c] = -0.5 * rstd[c] * rstd[c] * rstd[c] * sc * sumDyXm[c];
    ds[c] = rstd[c] * sumDyXm[c];
    dof[c] = sumDy[c];
  }
  return [dx, dMean, dVariance, dScale, dOffset];
};

let upstreamGradient: tf.GradConfig | undefined;

/**
 * Replaces the `FusedBatchNorm` gradient with one that, on wasm with rank-1 statistics over the
 * last axis, computes all five derivatives with {@linkcode batchNormGrad}; otherwise it defers to
 * tfjs-core's gradient. Idempotent.
 */
export function installBatchNormGradient(): void {
  if (upstreamGradient !== undefined) return;
  const upstream = tf.getGradient("FusedBatchNorm");
  if (upstream === undefined) throw new Error("tfjs-core has no FusedBatchNorm gradient");
  upstreamGradient = upstream;
  tf.registerGradient({
    kernelName: "FusedBatchNorm",
    inputsToSave: upstream.inputsToSave,
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved;
      const fits = tf.getBackend() === "wasm" && mean.rank === 1 && x.dtype === "float32" &&
        x.shape[x.rank - 1] === mean.shape[0] && variance.rank === 1 &&
        (scale == null || scale.rank === 1);
      if (!fits) return upstream.gradFunc(dy, saved, attrs);
      const inputs: tf.NamedTensorMap = { x, dy: dy as tf.Tensor, mean, variance };
      if (scale != null) inputs.scale = scale;
      const [dx, dMean, dVariance, dScale, dOffset] = tf.engine().runKernel(
        BATCH_NORM_GRAD_KERNEL,
        inputs,
        attrs as tf.NamedAttrMap,
      ) as tf.Tensor[];
      return {
        x: () => dx,
        mean: () => dMean,
        variance: () => dVariance,
        scale: () => dScale,
        offset: () => dOffset,
      };
    },
  });
}
