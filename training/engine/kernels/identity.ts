/**
 * `Identity` for wasm without a copy: the output shares the input's buffer (reference counted), as
 * the `cpu` backend does. tfjs-backend-wasm copies the whole tensor, and layers call `Identity`
 * on full activations every training step.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** Kernel function for `Identity`. */
export const identity: tf.KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: tf.TensorInfo };
  (backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};
