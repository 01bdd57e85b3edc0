/**
 * `deno task bench:train`: training throughput (forward + backward + adam update) of the reference
 * net, the seed's Model A and Model B, and fer-edge's default model, on `wasm` with fer-edge's
 * kernels and on `cpu`, in the same run. Prints images/s, the wasm/cpu ratio, GMAC/s next to the
 * MAC count, and training/forward-only images/s; draws an SVG bar chart.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { parseArgs } from "node:util";
import { checkWasmTraining, installWasmTrainingKernels, useWasmBackend } from "./engine/mod.ts";
import { ProgressBar } from "../term/progress.ts";
import { buildModel, countMacs } from "./models/mod.ts";
import { buildReferenceNet } from "./bench/reference_net.ts";
import { measureDataParallel, measureThroughput, type Throughput } from "./bench/measure.ts";
import { throughputSvg } from "./bench/chart.ts";
import { profileWasmKernels } from "./bench/kernel_profile.ts";

const MODELS = ["ref", "a", "b", "default"] as const;
type BenchModel = typeof MODELS[number];

const USAGE = `usage: deno task bench:train [--models ref,a,b,default] [--batch 64] [--steps 5]
  [--warmup 2] [--cpu-batch 4] [--cpu-steps 1] [--no-cpu] [--no-parallel] [--profile]
  [--out data/bench/train]
The cpu backend needs ~20 s per image-batch of 4 on the reference net (its Conv2DBackpropFilter
is a per-element loop), so it runs a small batch: its images/s hardly depends on the batch size.`;

function build(name: BenchModel): tf.LayersModel {
  if (name === "ref") return buildReferenceNet(1);
  return buildModel(name, {
    classes: 7,
    batchNormConv: true,
    batchNormDense: true,
    keepProb: 0.7,
    seed: 1,
  });
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a positive integer`);
  return n;
}

const { values } = parseArgs({
  args: Deno.args,
  options: {
    models: { type: "string", default: MODELS.join(",") },
    batch: { type: "string", default: "64" },
    steps: { type: "string", default: "5" },
    warmup: { type: "string", default: "2" },
    "cpu-batch": { type: "string", default: "4" },
    "cpu-steps": { type: "string", default: "1" },
    "no-cpu": { type: "boolean", default: false },
    "no-parallel": { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    out: { type: "string", default: "data/bench/train" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  Deno.exit(0);
}
const models = values.models.split(",").map((m) => m.trim()) as BenchModel[];
for (const m of models) {
  if (!MODELS.includes(m)) {
    console.error(`unknown model '${m}' (choose from ${MODELS.join(", ")})\n${USAGE}`);
    Deno.exit(2);
  }
}
const batch = positiveInt(values.batch, "batch");
const steps = positiveInt(values.steps, "steps");
const warmup = Number(values.warmup);
const cpuBatch = positiveInt(values["cpu-batch"], "cpu-batch");
const cpuSteps = positiveInt(values["cpu-steps"], "cpu-steps");
const withCpu = !values["no-cpu"];
const withParallel = !values["no-parallel"];

await useWasmBackend();
installWasmTrainingKernels();

const perModelSteps = warmup + steps + (withCpu ? 1 + cpuSteps : 0) +
  (withParallel ? warmup + steps : 0);
const bar = new ProgressBar({
  total: models.length * perModelSteps,
  label: "bench:train",
  unit: "step",
});

interface Row {
  model: BenchModel;
  macs: number;
  params: number;
  wasm: Throughput;
  /** Data-parallel (main thread + one worker) training images/s on wasm. */
  parallel?: number;
  cpu?: Throughput;
}
const rows: Row[] = [];
for (const name of models) {
  await tf.setBackend("wasm");
  const model = build(name);
  const macs = countMacs(model);
  const params = model.countParams();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
  const probe = tf.tidy(
    () => [tf.zeros([2, 48, 48, 1]), tf.oneHot(tf.tensor1d([0, 1], "int32"), 7)],
  );
  const check = await checkWasmTraining(model, probe[0], probe[1]);
  tf.dispose(probe);
  if (!check.ok) {
    throw new Error(`${name}: wasm cannot train it: missing ${check.missing} (${check.error})`);
  }
  const wasm = await measureThroughput(model, { batch, steps, warmup, onStep: () => bar.tick() });
  if (values.profile) {
    const [px, py] = tf.tidy(() => [
      tf.randomUniform([batch, 48, 48, 1]),
      tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 7), "int32"), 7),
    ]);
    const profile = await profileWasmKernels(() => model.trainOnBatch(px, py), steps);
    tf.dispose([px, py]);
    console.log(`\n${name}: CPU ms per training step by wasm kernel (top 15)`);
    for (const p of profile.slice(0, 15)) {
      console.log(
        `${p.msPerStep.toFixed(1).padStart(8)}  ${p.nested ? "  (nested) " : ""}${p.kernel}`,
      );
    }
  }
  const parallel = withParallel
    ? await measureDataParallel(model, { batch, steps, warmup, onStep: () => bar.tick() })
    : undefined;
  model.dispose();
  let cpu: Throughput | undefined;
  if (withCpu) {
    await tf.setBackend("cpu");
    const cpuModel = build(name);
    cpuModel.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
    // One small warm-up step to JIT the cpu kernels, then full-batch timed steps.
    cpu = await measureThroughput(cpuModel, {
      batch: cpuBatch,
      steps: cpuSteps,
      warmup: 1,
      warmupBatch: 1,
      onStep: () => bar.tick(),
    });
    cpuModel.dispose();
    await tf.setBackend("wasm");
  }
  rows.push({ model: name, macs, params, wasm, parallel, cpu });
}
bar.done();

const f = (v: number, d = 1) => v.toFixed(d);
const lines = [
  `bench:train — ${new Date().toISOString()}, load average ${
    Deno.loadavg().map((v) => v.toFixed(2)).join(" ")
  }, ${navigator.hardwareConcurrency} cores, wasm batch ${batch} x ${steps} steps` +
  (withCpu ? `, cpu batch ${cpuBatch} x ${cpuSteps} steps` : ""),
  "",
  "| model | params | MMAC/img (fwd) | wasm train img/s | wasm img/CPU-s | cpu train img/s | " +
  "wasm/cpu | wasm GMAC/s, per CPU-s (train = 3x fwd) | wasm fwd img/s | train/fwd (CPU time) | " +
  "2-core data-parallel img/s |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
];
for (const r of rows) {
  const gmacs = (r.wasm.trainImagesPerSecond * 3 * r.macs) / 1e9;
  const cpuGmacs = (r.wasm.trainImagesPerCpuSecond * 3 * r.macs) / 1e9;
  lines.push(
    `| ${r.model} | ${r.params} | ${f(r.macs / 1e6)} | ${f(r.wasm.trainImagesPerSecond)} | ${
      f(r.wasm.trainImagesPerCpuSecond)
    } | ${r.cpu ? f(r.cpu.trainImagesPerSecond, 2) : "-"} | ${
      r.cpu ? f(r.wasm.trainImagesPerSecond / r.cpu.trainImagesPerSecond) + "x" : "-"
    } | ${f(gmacs, 2)}, ${f(cpuGmacs, 2)} | ${f(r.wasm.forwardImagesPerSecond)} | ${
      f(r.wasm.trainImagesPerCpuSecond / r.wasm.forwardImagesPerCpuSecond, 3)
    } | ${
      r.parallel === undefined
        ? "-"
        : `${f(r.parallel)} (${f(r.parallel / r.wasm.trainImagesPerSecond, 2)}x)`
    } |`,
  );
}
console.log(lines.join("\n"));

await Deno.mkdir(values.out, { recursive: true });
const svg = throughputSvg(
  rows.map((r) => ({
    model: r.model,
    wasm: r.wasm.trainImagesPerSecond,
    parallel: r.parallel,
    cpu: r.cpu?.trainImagesPerSecond,
  })),
  `Training images/s (batch ${batch})`,
);
await Deno.writeTextFile(`${values.out}/bench_train.svg`, svg);
await Deno.writeTextFile(`${values.out}/bench_train.json`, JSON.stringify(rows, null, 2) + "\n");
console.log(`\nwrote ${values.out}/bench_train.svg and bench_train.json`);
