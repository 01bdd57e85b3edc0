/**
 * Geometry shared by the convolution gradient kernels: zero-dilation of an output gradient and the
 * padding that turns a transposed convolution into a plain correlation.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Padding of a forward convolution as computed by `backend_util.computeConv2DInfo`. */
export interface PadInfo {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** Throws a clear error for the NCHW layout, which the wasm backend does not support. */
export function assertChannelsLast(dataFormat: unknown, kernel: string): void {
  if (dataFormat !== undefined && dataFormat !== "NHWC" && dataFormat !== "channelsLast") {
    throw new Error(`${kernel} on wasm supports only the NHWC layout, got '${dataFormat}'`);
  }
}

/**
 * Inserts `stride - 1` zero rows/columns between the spatial positions of an NHWC tensor, so that a
 * strided convolution's gradient becomes a stride-1 correlation.
 */
export function dilateSpatial(dy: tf.Tensor4D, strideH: number, strideW: number): tf.Tensor4D {
  if (strideH === 1 && strideW === 1) return dy;
  const [n, h, w, c] = dy.shape;
  const spread = dy.reshape([n, h, 1, w, 1, c]).pad([
    [0, 0],
    [0, 0],
    [0, strideH - 1],
    [0, 0],
    [0, strideW - 1],
    [0, 0],
  ]);
  return (spread.reshape([n, h * strideH, w * strideW, c]) as tf.Tensor4D).slice(
    [0, 0, 0, 0],
    [n, (h - 1) * strideH + 1, (w - 1) * strideW + 1, c],
  );
}

/**
 * Dilates and pads an output gradient `dy` so that a VALID correlation with the spatially flipped
 * filter of size `kh` x `kw` yields the input gradient of size `inH` x `inW`.
 */
export function padForInputGradient(
  dy: tf.Tensor4D,
  inH: number,
  inW: number,
  kh: number,
  kw: number,
  strides: [number, number],
  pad: PadInfo,
): tf.Tensor4D {
  let d = dilateSpatial(dy, strides[0], strides[1]);
  const top = kh - 1 - pad.top;
  const left = kw - 1 - pad.left;
  let bottom = inH + kh - 1 - d.shape[1] - top;
  let right = inW + kw - 1 - d.shape[2] - left;
  if (bottom < 0 || right < 0) {
    // Rows/columns of dy that only came from the bottom/right padding do not reach the input.
    const [n, h, w, c] = d.shape;
    d = d.slice([0, 0, 0, 0], [n, h + Math.min(bottom, 0), w + Math.min(right, 0), c]);
    bottom = Math.max(bottom, 0);
    right = Math.max(right, 0);
  }
  return d.pad([[0, 0], [top, bottom], [left, right], [0, 0]]);
}
