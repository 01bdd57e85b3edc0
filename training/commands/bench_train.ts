/**
 * `deno task bench:train`: training throughput (forward + backward + adam update) of the reference
 * net, the seed's Model A and Model B, and fer-edge's default model, on `wasm` with fer-edge's
 * kernels and on `cpu`, in the same run (`bench/train_bench.ts`). Prints images/s, the wasm/cpu
 * ratio, GMAC/s next to the MAC count, and training/forward-only images/s; draws an SVG bar chart.
 *
 * @module
 */
import { installWasmTrainingKernels, useWasmBackend } from "../engine/mod.ts";
import { throughputSvg } from "../bench/chart.ts";
import {
  BENCH_MODELS,
  type BenchModel,
  benchTable,
  benchTraining,
  type BenchTrainingOptions,
} from "../bench/train_bench.ts";
import { defineFlags, numberFlag, parseFlags, UsageError } from "../../term/flags.ts";
import { runMain } from "../../term/run_main.ts";

const FLAGS = defineFlags({
  help: `usage: deno task bench:train [--models ref,a,b,default] [--batch 64] [--steps 5]
  [--warmup 2] [--cpu-batch 4] [--cpu-steps 1] [--no-cpu] [--no-parallel] [--profile]
  [--out data/bench/train]
The cpu backend needs ~20 s per image-batch of 4 on the reference net (its Conv2DBackpropFilter
is a per-element loop), so it runs a small batch: its images/s hardly depends on the batch size.`,
  options: {
    models: { type: "string", default: BENCH_MODELS.join(",") },
    batch: { type: "string", default: "64" },
    steps: { type: "string", default: "5" },
    warmup: { type: "string", default: "2" },
    "cpu-batch": { type: "string", default: "4" },
    "cpu-steps": { type: "string", default: "1" },
    "no-cpu": { type: "boolean", default: false },
    "no-parallel": { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    out: { type: "string", default: "data/bench/train" },
  },
});

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  const models = values.models.split(",").map((m) => m.trim()) as BenchModel[];
  for (const m of models) {
    if (!BENCH_MODELS.includes(m)) {
      throw new UsageError(`unknown model '${m}' (choose from ${BENCH_MODELS.join(", ")})`);
    }
  }
  const positive = (flag: keyof typeof values) =>
    numberFlag(flag, values[flag] as string, { integer: true, min: 1 })!;
  const options: BenchTrainingOptions = {
    models,
    batch: positive("batch"),
    steps: positive("steps"),
    warmup: numberFlag("warmup", values.warmup, { integer: true, min: 0 })!,
    cpuBatch: positive("cpu-batch"),
    cpuSteps: positive("cpu-steps"),
    withCpu: !values["no-cpu"],
    withParallel: !values["no-parallel"],
    profile: values.profile,
  };
  await useWasmBackend();
  installWasmTrainingKernels();
  const rows = await benchTraining(options);
  console.log(benchTable(rows, options));
  const { batch } = options;

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
  return 0;
}

if (import.meta.main) await runMain("bench:train", main);
