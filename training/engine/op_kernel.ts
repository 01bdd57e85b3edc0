/**
 * Helpers to register a wasm kernel whose body is written with TensorFlow.js ops. The ops dispatch
 * to wasm's own (XNNPACK) kernels, so a gradient can be composed from fast forward primitives.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Backend-side data interface that the wasm backend implements (reference counted buffers). */
interface RefCountedBackend {
  incRef(dataId: object): void;
}

/** Body of an op-composed kernel: receives the inputs as tensors, returns the output tensor(s). */
export type OpKernelBody = (
  inputs: Record<string, tf.Tensor>,
  attrs: Record<string, unknown>,
) => tf.Tensor | tf.Tensor[];

/**
 * Wraps an op-composed body as a `KernelFunc`: intermediates are freed, and the outputs' buffers
 * are handed to the engine (which wraps them in new tensors) without copying.
 */
export function opKernelFunc(body: OpKernelBody): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const given = new Set(Object.values(inputs).map((t) => t?.dataId));
    const result = tf.tidy(() => {
      const out = body(
        inputs as Record<string, tf.Tensor>,
        (attrs ?? {}) as Record<string, unknown>,
      );
      const list = Array.isArray(out) ? out : [out];
      // An output that is an input unchanged would otherwise be disposed with the input's buffer.
      return list.map((t) => (given.has(t.dataId) ? t.clone() : t));
    });
    const infos = result.map((t) => {
      (backend as unknown as RefCountedBackend).incRef(t.dataId);
      const info: tf.TensorInfo = { dataId: t.dataId, shape: t.shape, dtype: t.dtype };
      t.dispose();
      return info;
    });
    return infos.length === 1 ? infos[0] : infos;
  };
}

/** Registers (or replaces) the wasm kernel `kernelName` with `kernelFunc`. */
export function registerWasmKernel(kernelName: string, kernelFunc: tf.KernelFunc): void {
  if (tf.getKernel(kernelName, "wasm") !== undefined) tf.unregisterKernel(kernelName, "wasm");
  tf.registerKernel({ kernelName, backendName: "wasm", kernelFunc });
}
