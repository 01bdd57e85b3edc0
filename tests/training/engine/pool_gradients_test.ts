import * as tf from "@tensorflow/tfjs";
import { assertEquals, assertOk } from "../../assert.ts";
import {
  type KernelInput,
  relativeError,
  runKernelOn,
  seededValues,
  setupWasmTraining,
} from "./harness.ts";

await setupWasmTraining();

/** Pool gradient kernels on wasm vs cpu for pool 2/3, stride 1/2, same/valid, channels 1/3/32. */
async function checkPoolGrid(
  kernel: "MaxPoolGrad" | "AvgPoolGrad",
  ties = false,
): Promise<number> {
  const failures: string[] = [];
  let seed = kernel === "MaxPoolGrad" ? 5000 : 6000;
  let cases = 0;
  for (const size of [6, 7]) {
    for (const filter of [2, 3]) {
      for (const stride of [1, 2]) {
        for (const pad of ["same", "valid"] as const) {
          for (const c of [1, 3, 32]) {
            const shape = [2, size, size, c];
            const info = tf.backend_util.computePool2DInfo(
              shape as [number, number, number, number],
              filter,
              stride,
              1,
              pad,
            );
            const values = seededValues(2 * size * size * c, seed++);
            // Relu-like inputs with many equal values: the gradient must go to the first maximum.
            if (ties) values.forEach((v, i) => values[i] = Math.max(0, Math.round(v * 2)));
            const input = { values, shape };
            const dy = {
              values: seededValues(info.outShape.reduce((a, b) => a * b), seed++),
              shape: info.outShape,
            };
            const attrs = { filterSize: filter, strides: stride, pad, dimRoundingMode: undefined };
            const pooled = await runKernelOn("cpu", "MaxPool", { x: input }, attrs);
            const inputs: Record<string, KernelInput> = kernel === "MaxPoolGrad"
              ? { dy, input, output: { values: pooled.values, shape: pooled.shape } }
              : { dy, input };
            const reference = await runKernelOn("cpu", kernel, inputs, attrs);
            const actual = await runKernelOn("wasm", kernel, inputs, attrs);
            assertEquals(actual.shape, reference.shape);
            const err = relativeError(actual.values, reference.values);
            if (!(err <= 1e-4)) {
              failures.push(`${size}px f${filter} s${stride} ${pad} c${c}: ${err}`);
            }
            cases++;
          }
        }
      }
    }
  }
  assertEquals(failures, []);
  return cases;
}

Deno.test("MaxPoolGrad on wasm matches cpu over the pool/stride/pad/channel grid", async () => {
  assertOk(await checkPoolGrid("MaxPoolGrad") >= 48);
});

Deno.test("MaxPoolGrad on wasm routes ties to the first maximum like cpu", async () => {
  assertOk(await checkPoolGrid("MaxPoolGrad", true) >= 48);
});

Deno.test("AvgPoolGrad on wasm matches cpu over the pool/stride/pad/channel grid", async () => {
  assertOk(await checkPoolGrid("AvgPoolGrad") >= 48);
});
