/**
 * Re-measures every batch-norm layer's moving mean and variance on real images, in inference mode
 * and in order, so each layer sees its predecessors' corrected statistics. Needed after weight
 * averaging; also repairs statistics that drifted from the final weights.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { makeBatch, type TrainData } from "./dataset.ts";

/** Options of {@link recalibrateBatchNorm}. */
export interface RecalibrateOptions {
  /** Images to measure on: the first `count` of `data` (default all). */
  count?: number;
  /** Batch size of the forward passes (default 256). */
  batchSize?: number;
  /** Pixel scale the model was trained with. */
  pixelScale: number;
  /**
   * Measure on every image and its mirror image (for mirror-tied models, whose paired channels
   * must get equal statistics).
   */
  withMirrorImages?: boolean;
  /**
   * Leading layers of `model.layers` whose batch norms keep their statistics: a run's frozen trunk
   * (`engine/freeze.ts`), which must stay what the model it started from computes. Default 0.
   */
  keepLeadingLayers?: number;
  /** Called after each batch-norm layer with its index and the number of such layers. */
  onLayer?: (done: number, total: number) => void;
}

/** Running per-channel mean and (population) variance, merged batch by batch in float64. */
class ChannelMoments {
  count = 0;
  mean: Float64Array;
  m2: Float64Array;

  constructor(channels: number) {
    this.mean = new Float64Array(channels);
    this.m2 = new Float64Array(channels);
  }

  /** Merges a batch's moments (Chan et al.'s parallel update). */
  add(count: number, mean: Float32Array, variance: Float32Array): void {
    const total = this.count + count;
    for (let c = 0; c < this.mean.length; c++) {
      const delta = mean[c] - this.mean[c];
      this.mean[c] += delta * count / total;
      this.m2[c] += variance[c] * count + delta * delta * this.count * count / total;
    }
    this.count = total;
  }

  variance(): Float32Array {
    return Float32Array.from(this.m2, (m) => m / this.count);
  }
}

/** Sets each batch-norm layer's moving statistics of `model` to those measured on `data`. */
export function recalibrateBatchNorm(
  model: tf.LayersModel,
  data: TrainData,
  options: RecalibrateOptions,
): number {
  const keep = options.keepLeadingLayers ?? 0;
  const layers = model.layers.filter((l, i) =>
    i >= keep && l.getClassName() === "BatchNormalization"
  );
  const count = Math.min(data.count, options.count ?? data.count);
  const batchSize = options.batchSize ?? 256;
  const views = options.withMirrorImages ? 2 : 1;
  for (const [index, layer] of layers.entries()) {
    const probe = tf.model({
      inputs: model.inputs,
      outputs: layer.input as tf.SymbolicTensor,
    });
    const channels = probe.outputs[0].shape.at(-1)!;
    const perImage = valuesPerChannel(probe);
    const moments = new ChannelMoments(channels);
    for (let start = 0; start < count; start += batchSize) {
      const indices = Array.from(
        { length: Math.min(batchSize, count - start) },
        (_, i) => start + i,
      );
      const batch = makeBatch(data, indices, options.pixelScale);
      const [mean, variance] = tf.tidy(() => {
        const inputs = options.withMirrorImages
          ? batch.inputs.map((image) => tf.concat([image, tf.reverse(image, 2)]))
          : batch.inputs;
        const x = probe.predict(inputs) as tf.Tensor;
        const axes = x.shape.slice(0, -1).map((_, i) => i);
        const m = tf.moments(x, axes);
        return [m.mean, m.variance];
      });
      moments.add(
        indices.length * views * perImage,
        mean.dataSync() as Float32Array,
        variance.dataSync() as Float32Array,
      );
      tf.dispose([mean, variance, ...batch.inputs, batch.targets]);
    }
    // getWeights() hands out the live variables: keep them, dispose only the new values.
    const measured = [
      tf.tensor1d(Float32Array.from(moments.mean)),
      tf.tensor1d(moments.variance()),
    ];
    // A batch norm's weights end with its moving mean and variance (gamma and beta, when it has
    // them, come first). By position, not by name: a variable whose name is taken in this process
    // (a second model with the same layer names) gets a suffix after "moving_mean".
    const current = layer.getWeights();
    const n = current.length;
    const next = current.map((w, i) => i === n - 2 ? measured[0] : i === n - 1 ? measured[1] : w);
    layer.setWeights(next);
    tf.dispose(measured);
    options.onLayer?.(index + 1, layers.length);
  }
  return layers.length;
}

/** Values per channel contributed by one image at the probe's output (e.g. 48*48 for a conv map). */
function valuesPerChannel(probe: tf.LayersModel): number {
  return probe.outputs[0].shape.slice(1, -1).reduce((a: number, b) => a * (b ?? 1), 1);
}
