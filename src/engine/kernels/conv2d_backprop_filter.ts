/**
 * `Conv2DBackpropFilter` for wasm: the filter gradient of an NHWC convolution, computed as one
 * stride-1 XNNPACK convolution of the transposed input with the transposed output gradient.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assertChannelsLast } from "../conv_geometry.ts";
import type { OpKernelBody } from "../op_kernel.ts";

/**
 * dW[a,b,i,o] = sum over n,y,x of xPadded[n, y*s+a, x*s+b, i] * dy[n,y,x,o]. With the batch as the
 * contracted channel axis this is a correlation of xPadded^T [i, H, W, n] with dy^T [y, x, n, o]
 * dilated by the stride.
 */
export const conv2DBackpropFilter: OpKernelBody = (inputs, attrs) => {
  const x = inputs.x as tf.Tensor4D;
  const dy = inputs.dy as tf.Tensor4D;
  assertChannelsLast(attrs.dataFormat, "Conv2DBackpropFilter");
  const filterShape = attrs.filterShape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(
    x.shape,
    filterShape,
    attrs.strides as [number, number],
    1,
    attrs.pad as "same" | "valid",
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
  );
  const [kh, kw, ci, co] = filterShape;
  const { top, bottom, left, right } = info.padInfo;
  const xPadded = x.pad([[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]]);
  const xT = xPadded.transpose([3, 1, 2, 0]) as tf.Tensor4D;
  const dyT = dy.transpose([1, 2, 0, 3]) as tf.Tensor4D;
  const corr = tf.conv2d(xT, dyT, 1, "valid", "NHWC", [info.strideHeight, info.strideWidth]);
  return corr.slice([0, 0, 0, 0], [ci, kh, kw, co]).transpose([1, 2, 0, 3]);
};
