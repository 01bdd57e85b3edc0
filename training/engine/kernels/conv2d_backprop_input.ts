/**
 * `Conv2DBackpropInput` for wasm through XNNPACK: the input gradient of an NHWC convolution as a
 * VALID correlation of the (dilated, padded) output gradient with the flipped, transposed filter.
 * It replaces tfjs-backend-wasm's naive loop kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assertChannelsLast, padForInputGradient } from "../conv_geometry.ts";
import type { OpKernelBody } from "../op_kernel.ts";

/** dX = correlate(pad(dilate(dy)), transpose(flip(W), [kh, kw, out, in])). */
export const conv2DBackpropInput: OpKernelBody = (inputs, attrs) => {
  const dy = inputs.dy as tf.Tensor4D;
  const filter = inputs.filter as tf.Tensor4D;
  assertChannelsLast(attrs.dataFormat, "Conv2DBackpropInput");
  const inputShape = attrs.inputShape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape,
    attrs.strides as [number, number],
    1,
    attrs.pad as "same" | "valid",
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
  );
  const [kh, kw] = filter.shape;
  const padded = padForInputGradient(
    dy,
    inputShape[1],
    inputShape[2],
    kh,
    kw,
    [info.strideHeight, info.strideWidth],
    info.padInfo,
  );
  const flipped = filter.reverse([0, 1]).transpose([0, 1, 3, 2]) as tf.Tensor4D;
  return tf.conv2d(padded, flipped, 1, "valid");
};
