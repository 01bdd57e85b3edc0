/**
 * `DepthwiseConv2dNativeBackpropFilter` and `DepthwiseConv2dNativeBackpropInput` for wasm, which
 * tfjs-backend-wasm does not provide.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { padForInputGradient } from "../conv_geometry.ts";
import type { OpKernelBody } from "../op_kernel.ts";

function depthwiseInfo(
  inShape: number[],
  filterShape: number[],
  attrs: Record<string, unknown>,
): tf.backend_util.Conv2DInfo {
  const dilations = (attrs.dilations ?? 1) as number | [number, number];
  const d = typeof dilations === "number" ? [dilations, dilations] : dilations;
  if (d[0] !== 1 || d[1] !== 1) {
    throw new Error(`depthwise convolution gradients on wasm need dilation 1, got ${d}`);
  }
  return tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number],
    1,
    attrs.pad as "same" | "valid",
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
    true,
  );
}

/**
 * dW[a,b,c,k] = sum over n,y,x of xPadded[n, y*s+a, x*s+b, c] * dy[n,y,x,c*m+k], one strided
 * window of the input per filter tap.
 */
export const depthwiseBackpropFilter: OpKernelBody = (inputs, attrs) => {
  const x = inputs.x as tf.Tensor4D;
  const dy = inputs.dy as tf.Tensor4D;
  const filterShape = attrs.filterShape as [number, number, number, number];
  const info = depthwiseInfo(x.shape, filterShape, attrs);
  const [kh, kw, c, m] = filterShape;
  const [n, oh, ow] = dy.shape;
  const { top, bottom, left, right } = info.padInfo;
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  const xPadded = x.pad([[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]]);
  const dy5 = dy.reshape([n, oh, ow, c, m]);
  const taps: tf.Tensor[] = [];
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const window = tf.stridedSlice(
        xPadded,
        [0, a, b, 0],
        [n, a + (oh - 1) * sh + 1, b + (ow - 1) * sw + 1, c],
        [1, sh, sw, 1],
      );
      taps.push(window.reshape([n, oh, ow, c, 1]).mul(dy5).sum([0, 1, 2]));
    }
  }
  return tf.stack(taps).reshape([kh, kw, c, m]);
};

/**
 * dX = VALID depthwise correlation of the dilated, padded dy with the flipped filter, summed over
 * the channel multiplier.
 */
export const depthwiseBackpropInput: OpKernelBody = (inputs, attrs) => {
  const dy = inputs.dy as tf.Tensor4D;
  const filter = inputs.filter as tf.Tensor4D;
  const inputShape = attrs.inputShape as [number, number, number, number];
  const info = depthwiseInfo(inputShape, filter.shape, attrs);
  const [kh, kw, c, m] = filter.shape;
  const [n, h, w] = inputShape;
  const padded = padForInputGradient(
    dy,
    h,
    w,
    kh,
    kw,
    [info.strideHeight, info.strideWidth],
    info.padInfo,
  );
  const flipped = filter.reverse([0, 1]).reshape([kh, kw, c * m, 1]) as tf.Tensor4D;
  const dx = tf.depthwiseConv2d(padded, flipped, 1, "valid");
  return m === 1 ? dx : dx.reshape([n, h, w, c, m]).sum(4);
};
