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

const CHANNELS = [1, 3, 32];
const STRIDES = [1, 2];
const PADS = ["same", "valid"] as const;
const KERNELS = [3, 4, 5];
const MAX_REL_ERR = 1e-4;

interface Case {
  name: string;
  inputs: Record<string, KernelInput>;
  attrs: Record<string, unknown>;
}

/** Every conv geometry of the grid, with seeded x, dy and filter for it. */
function convCases(
  depthwise: boolean,
): Array<Case & { label: string; kernel: "filter" | "input" }> {
  const cases: Array<Case & { label: string; kernel: "filter" | "input" }> = [];
  let seed = depthwise ? 1000 : 1;
  for (const size of [7, 8]) {
    for (const k of KERNELS) {
      for (const stride of STRIDES) {
        for (const pad of PADS) {
          for (const ci of CHANNELS) {
            for (const co of depthwise ? [1, 2] : CHANNELS) {
              if (pad === "valid" && k > size) continue;
              const xShape = [2, size, size, ci];
              const fShape = [k, k, ci, co];
              const info = tf.backend_util.computeConv2DInfo(
                xShape as [number, number, number, number],
                fShape as [number, number, number, number],
                stride,
                1,
                pad,
                undefined,
                depthwise,
              );
              const x = { values: seededValues(2 * size * size * ci, seed++), shape: xShape };
              const dy = {
                values: seededValues(info.outShape.reduce((a, b) => a * b), seed++),
                shape: info.outShape,
              };
              const filter = { values: seededValues(k * k * ci * co, seed++), shape: fShape };
              const label = `${size}px k${k} s${stride} ${pad} ci${ci} ${
                depthwise ? "m" : "co"
              }${co}`;
              const common = { strides: [stride, stride], pad, dimRoundingMode: undefined };
              const extra = depthwise ? { dilations: [1, 1] } : { dataFormat: "NHWC" };
              cases.push({
                name: depthwise ? "DepthwiseConv2dNativeBackpropFilter" : "Conv2DBackpropFilter",
                kernel: "filter",
                label,
                inputs: { x, dy },
                attrs: { ...common, ...extra, filterShape: fShape },
              });
              cases.push({
                name: depthwise ? "DepthwiseConv2dNativeBackpropInput" : "Conv2DBackpropInput",
                kernel: "input",
                label,
                inputs: { dy, filter },
                attrs: { ...common, ...extra, inputShape: xShape },
              });
            }
          }
        }
      }
    }
  }
  return cases;
}

async function checkGrid(depthwise: boolean): Promise<void> {
  const failures: string[] = [];
  let worst = 0;
  const cases = convCases(depthwise);
  for (const c of cases) {
    const reference = await runKernelOn("cpu", c.name, c.inputs, c.attrs);
    const actual = await runKernelOn("wasm", c.name, c.inputs, c.attrs);
    assertEquals(actual.shape, reference.shape, `${c.name} ${c.label} shape`);
    const err = relativeError(actual.values, reference.values);
    worst = Math.max(worst, err);
    if (!(err <= MAX_REL_ERR)) {
      failures.push(`${c.name} ${c.label}: rel err ${err.toExponential(2)}`);
    }
  }
  assertOk(cases.length >= 100, `grid too small: ${cases.length}`);
  assertEquals(failures, [], `worst ${worst.toExponential(2)}`);
}

Deno.test("Conv2DBackpropFilter/Input on wasm match cpu over the shape/stride/pad/channel grid", async () => {
  await checkGrid(false);
});

Deno.test("depthwise conv gradients on wasm match cpu over the shape/stride/pad/channel grid", async () => {
  await checkGrid(true);
});

Deno.test("conv gradient kernels reject the NCHW layout with a clear error", async () => {
  const x = { values: seededValues(2 * 3 * 5 * 5, 7), shape: [2, 3, 5, 5] };
  const dy = { values: seededValues(2 * 4 * 5 * 5, 8), shape: [2, 4, 5, 5] };
  let message = "";
  try {
    await runKernelOn("wasm", "Conv2DBackpropFilter", { x, dy }, {
      strides: [1, 1],
      pad: "same",
      dataFormat: "NCHW",
      filterShape: [3, 3, 3, 4],
    });
  } catch (error) {
    message = (error as Error).message;
  }
  assertOk(message.includes("NHWC"), message);
});
