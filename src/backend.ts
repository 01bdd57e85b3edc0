/**
 * Selects the TensorFlow.js `wasm` backend, loading its `.wasm` files from the installed npm package
 * by file URL so that nothing is fetched from the network.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

/** Directory URL of the wasm binaries shipped in `@tensorflow/tfjs-backend-wasm`. */
export function wasmDistUrl(): string {
  const entry = import.meta.resolve("@tensorflow/tfjs-backend-wasm");
  return new URL("./", entry).href;
}

let ready: Promise<void> | undefined;

/**
 * Makes `wasm` the active backend (idempotent). Throws if it cannot be initialised, so that callers
 * never silently run on `cpu`.
 */
export function useWasmBackend(): Promise<void> {
  ready ??= (async () => {
    setWasmPaths(wasmDistUrl());
    const ok = await tf.setBackend("wasm");
    if (!ok || tf.getBackend() !== "wasm") {
      throw new Error("the TensorFlow.js wasm backend could not be initialised");
    }
    await tf.ready();
  })();
  return ready;
}
