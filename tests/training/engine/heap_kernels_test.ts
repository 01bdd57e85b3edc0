import { assertEquals } from "../../assert.ts";
import {
  type KernelInput,
  relativeError,
  runKernelOn,
  seededValues,
  setupWasmTraining,
} from "./harness.ts";

await setupWasmTraining();

function input(shape: number[], seed: number): KernelInput {
  return { values: seededValues(shape.reduce((a, b) => a * b, 1), seed), shape };
}

async function compare(
  name: string,
  inputs: Record<string, KernelInput>,
  attrs: Record<string, unknown>,
): Promise<string[]> {
  const reference = await runKernelOn("cpu", name, inputs, attrs);
  const actual = await runKernelOn("wasm", name, inputs, attrs);
  const err = relativeError(actual.values, reference.values);
  const label = `${name} ${JSON.stringify(attrs)} ${Object.values(inputs).map((i) => i.shape)}`;
  if (JSON.stringify(actual.shape) !== JSON.stringify(reference.shape)) {
    return [`${label}: shape ${actual.shape} vs ${reference.shape}`];
  }
  return err <= 1e-4 ? [] : [`${label}: rel err ${err}`];
}

Deno.test("Tile on wasm matches cpu (broadcast-style and general repeats)", async () => {
  const failures: string[] = [];
  const cases: Array<[number[], number[]]> = [
    [[1, 1, 1, 32], [4, 6, 6, 1]],
    [[1, 1, 1, 3], [2, 5, 5, 1]],
    [[2, 3], [3, 4]],
    [[4, 1], [1, 7]],
    [[2, 1, 3], [2, 3, 1]],
    [[5], [1]],
  ];
  for (const [i, [shape, reps]] of cases.entries()) {
    failures.push(...await compare("Tile", { x: input(shape, 10 + i) }, { reps }));
  }
  assertEquals(failures, []);
});

Deno.test("Sum and Mean on wasm match cpu for leading, inner and all axes", async () => {
  const failures: string[] = [];
  const axesList = [[0, 1, 2], [0], [0, 1], [3], [1, 2], [0, 1, 2, 3], [-1], [2, 0, 1]];
  for (const name of ["Sum", "Mean"]) {
    for (const [i, axis] of axesList.entries()) {
      for (const keepDims of [false, true]) {
        const x = input([3, 5, 4, 6], 100 + i);
        failures.push(...await compare(name, { x }, { axis, keepDims }));
      }
    }
  }
  assertEquals(failures, []);
});

Deno.test("BatchMatMul on wasm matches cpu with and without transposed operands", async () => {
  const failures: string[] = [];
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      for (const batch of [1, 3]) {
        const a = input(transposeA ? [batch, 9, 5] : [batch, 5, 9], 200 + batch);
        const b = input(transposeB ? [batch, 7, 9] : [batch, 9, 7], 300 + batch);
        failures.push(...await compare("BatchMatMul", { a, b }, { transposeA, transposeB }));
      }
    }
  }
  assertEquals(failures, []);
});

Deno.test("Identity on wasm shares the buffer safely: a clone outlives its source", async () => {
  const tf = await import("@tensorflow/tfjs");
  const source = tf.tensor1d([1, 2, 3]);
  const copy = source.clone();
  source.dispose();
  assertEquals(Array.from(await copy.data()), [1, 2, 3]);
  const before = tf.memory().numBytes;
  copy.dispose();
  assertEquals(tf.memory().numBytes, before - 12);
});
