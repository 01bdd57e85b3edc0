/**
 * The measurements behind `deno task bench:train`: training throughput of each model on `wasm`
 * with fer-edge's kernels, data-parallel on two cores and on `cpu`, in one run, and the table the
 * command prints.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { checkWasmTraining } from "../engine/mod.ts";
import { ProgressBar } from "../../term/progress.ts";
import { buildModel, countMacs } from "../models/mod.ts";
import { buildReferenceNet } from "./reference_net.ts";
import { measureDataParallel, measureThroughput, type Throughput } from "./measure.ts";
import { profileWasmKernels } from "./kernel_profile.ts";

/** The models the benchmark can build. */
export const BENCH_MODELS = ["ref", "a", "b", "default"] as const;
/** One of {@link BENCH_MODELS}. */
export type BenchModel = typeof BENCH_MODELS[number];

/** What {@link benchTraining} measures, and how long. */
export interface BenchTrainingOptions {
  /** Models, in order. */
  models: BenchModel[];
  /** wasm batch size. */
  batch: number;
  /** Timed wasm steps. */
  steps: number;
  /** Untimed wasm steps first. */
  warmup: number;
  /** cpu batch size. */
  cpuBatch: number;
  /** Timed cpu steps. */
  cpuSteps: number;
  /** Also measure the cpu backend. */
  withCpu: boolean;
  /** Also measure two-core data parallelism. */
  withParallel: boolean;
  /** Print each model's wasm kernel profile. */
  profile: boolean;
}

/** One model's figures. */
export interface BenchRow {
  /** The model. */
  model: BenchModel;
  /** Forward multiply-accumulates per image. */
  macs: number;
  /** Trainable and other parameters. */
  params: number;
  /** wasm figures. */
  wasm: Throughput;
  /** Data-parallel (main thread + one worker) training images/s on wasm. */
  parallel?: number;
  /** cpu figures. */
  cpu?: Throughput;
}

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

/** Measures every model of `o` (the wasm backend with fer-edge's kernels must be installed). */
export async function benchTraining(o: BenchTrainingOptions): Promise<BenchRow[]> {
  const { models, batch, steps, warmup, cpuBatch, cpuSteps, withCpu, withParallel } = o;
  const perModelSteps = warmup + steps + (withCpu ? 1 + cpuSteps : 0) +
    (withParallel ? warmup + steps : 0);
  const bar = new ProgressBar({
    total: models.length * perModelSteps,
    label: "bench:train",
    unit: "step",
  });

  const rows: BenchRow[] = [];
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
    if (o.profile) {
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
  return rows;
}

/** The Markdown table (with its heading line) the command prints. */
export function benchTable(rows: BenchRow[], o: BenchTrainingOptions): string {
  const { batch, steps, cpuBatch, cpuSteps, withCpu } = o;
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
  return lines.join("\n");
}
