/**
 * Counts multiply-accumulates of a LayersModel's forward pass from its layers' output shapes, for
 * throughput figures (GMAC/s) and model cards.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

interface ConvLikeConfig {
  kernelSize?: number | number[];
  filters?: number;
  units?: number;
}

/** Forward-pass multiply-accumulates per image of conv2d, depthwise conv2d and dense layers. */
export function countMacs(model: tf.LayersModel): number {
  let total = 0;
  for (const layer of model.layers) {
    const className = layer.getClassName();
    const config = layer.getConfig() as ConvLikeConfig;
    const outShape = layer.outputShape as number[];
    const inShape = (Array.isArray(layer.input) ? layer.input[0] : layer.input).shape as number[];
    const inChannels = inShape[inShape.length - 1] ?? 0;
    const kernel = Array.isArray(config.kernelSize)
      ? config.kernelSize[0] * config.kernelSize[1]
      : (config.kernelSize ?? 1) ** 2;
    if (className === "Conv2D") {
      total += outShape[1] * outShape[2] * outShape[3] * kernel * inChannels;
    } else if (className === "DepthwiseConv2D") {
      total += outShape[1] * outShape[2] * outShape[3] * kernel;
    } else if (className === "SeparableConv2D") {
      total += outShape[1] * outShape[2] * inChannels * kernel;
      total += outShape[1] * outShape[2] * outShape[3] * inChannels;
    } else if (className === "Dense") {
      total += inChannels * (config.units ?? 0);
    }
  }
  return total;
}
