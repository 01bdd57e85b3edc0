/**
 * Per-kernel CPU-time profile of training steps on wasm: wraps every registered wasm kernel so
 * each call adds its process CPU time (robust on a loaded machine, unlike wall-clock
 * `tf.profile`) to a per-kernel total. Kernels called from inside another kernel are listed
 * separately as nested.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import process from "node:process";

/** One row of a profile: CPU milliseconds per step spent in a kernel. */
export interface KernelTime {
  kernel: string;
  nested: boolean;
  msPerStep: number;
}

/** Runs `steps` calls of `step` with every wasm kernel timed; restores the kernels afterwards. */
export async function profileWasmKernels(
  step: () => Promise<unknown>,
  steps: number,
): Promise<KernelTime[]> {
  const totals = new Map<string, number>();
  const originals = tf.getKernelsForBackend("wasm");
  let depth = 0;
  for (const k of originals) {
    tf.unregisterKernel(k.kernelName, "wasm");
    tf.registerKernel({
      ...k,
      setupFunc: undefined,
      kernelFunc: (args) => {
        const start = process.cpuUsage();
        depth++;
        try {
          return k.kernelFunc(args);
        } finally {
          depth--;
          const used = process.cpuUsage(start);
          const key = `${depth > 0 ? "nested " : ""}${k.kernelName}`;
          totals.set(key, (totals.get(key) ?? 0) + (used.user + used.system) / 1000);
        }
      },
    });
  }
  try {
    for (let i = 0; i < steps; i++) await step();
  } finally {
    for (const k of originals) {
      tf.unregisterKernel(k.kernelName, "wasm");
      tf.registerKernel(k);
    }
  }
  return [...totals]
    .map(([key, ms]) => ({
      kernel: key.replace(/^nested /, ""),
      nested: key.startsWith("nested "),
      msPerStep: ms / steps,
    }))
    .sort((a, b) => b.msPerStep - a.msPerStep);
}
