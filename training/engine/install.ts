/**
 * Registers fer-edge's training kernels on the `wasm` backend.
 *
 * @module
 */
import { type OpKernelBody, opKernelFunc, registerWasmKernel } from "./op_kernel.ts";
import * as tf from "@tensorflow/tfjs";
import { maxPoolGrad } from "./kernels/max_pool_grad.ts";
import { conv2DBackpropFilter } from "./kernels/conv2d_backprop_filter.ts";
import { tile } from "./kernels/tile.ts";
import { identity } from "./kernels/identity.ts";
import {
  BATCH_NORM_GRAD_KERNEL,
  batchNormGrad,
  installBatchNormGradient,
} from "./kernels/batch_norm_grad.ts";
import { mean, sum } from "./kernels/reduce.ts";
import { batchMatMul } from "./kernels/batch_mat_mul.ts";
import { captureUpstreamKernel } from "./wasm_heap.ts";
import { conv2DBackpropInput } from "./kernels/conv2d_backprop_input_narrow.ts";
import { depthwiseBackpropFilter, depthwiseBackpropInput } from "./kernels/depthwise_backprop.ts";

/** Op-composed kernels this module registers on `wasm`, by kernel name (missing or too slow). */
export const WASM_TRAINING_KERNELS: Readonly<Record<string, OpKernelBody>> = {
  DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilter,
  DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInput,
};

/** Kernels written as loops over the wasm heap, by kernel name. */
export const WASM_HEAP_KERNELS: Readonly<Record<string, tf.KernelFunc>> = {
  BatchMatMul: batchMatMul,
  [BATCH_NORM_GRAD_KERNEL]: batchNormGrad,
  Conv2DBackpropFilter: conv2DBackpropFilter,
  Conv2DBackpropInput: conv2DBackpropInput,
  Identity: identity,
  MaxPoolGrad: maxPoolGrad,
  Mean: mean,
  Sum: sum,
  Tile: tile,
};

let installed = false;

/**
 * Registers on `wasm` every kernel needed to train the project's layer types (conv2d, depthwise and
 * separable conv2d, batch-norm, pooling, dropout, dense, add, concatenate, softmax cross-entropy)
 * with the tfjs optimizers. Idempotent; call it after `useWasmBackend()`.
 */
export function installWasmTrainingKernels(): void {
  if (installed) return;
  for (const [name, body] of Object.entries(WASM_TRAINING_KERNELS)) {
    registerWasmKernel(name, opKernelFunc(body));
  }
  for (const [name, kernelFunc] of Object.entries(WASM_HEAP_KERNELS)) {
    captureUpstreamKernel(name);
    registerWasmKernel(name, kernelFunc);
  }
  installBatchNormGradient();
  installed = true;
}
