/**
 * Pins the targets a run trains on, bit for bit, for each target source `deno task train` can
 * build (none, FER+ soft targets, cached teacher scores, teacher views, FER+ votes mixed into the
 * teacher, the online teacher): a tiny synthetic prepared folder and FER+ votes file go through
 * the same path as the command (`readRunData`, `runTargets`, `runTraining`), every training step's
 * target and input tensors are recorded from `trainOnBatch`, and their digest, with the epochs'
 * losses and validation figures, must match the one recorded before the target sources were
 * refactored. The mirror-tied case pins the after-step projection the same way (its weights, hence
 * its losses, differ from the untied run's while its targets do not).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { assertEquals } from "../../assert.ts";
import { withTempDir } from "../../temp_dir.ts";
import { FER_EMOTIONS } from "../../../src/face.ts";
import { readManifest } from "../../../training/data/cache.ts";
import type { TrainConfig } from "../../../training/config.ts";
import { validateConfig } from "../../../training/config.ts";
import { readRunData } from "../../../training/train_data.ts";
import { runTraining } from "../../../training/loop/loop.ts";
import { runTargets } from "../../../training/targets/run_targets.ts";
import { FERPLUS_COLUMNS } from "../../../training/targets/ferplus.ts";
import { Rng } from "../../../training/rng.ts";
import { writeTinyModelDir } from "../../classifier/tiny_model.ts";
import { syntheticSplit, writeSyntheticPrepared } from "../synthetic.ts";
import { tinyTrainConfig, useWasmTraining } from "../tiny_training.ts";

/** A FER+ votes CSV for `counts` rows per usage, some of them not a face or without an image. */
function votesCsv(counts: Record<string, number>): string {
  const rng = new Rng(77);
  const lines = [`Usage,Image name,${FERPLUS_COLUMNS.join(",")}`];
  for (const [usage, count] of Object.entries(counts)) {
    for (let i = 0; i < count; i++) {
      const votes = FERPLUS_COLUMNS.map(() => Math.floor(rng.next() * 4));
      if (i % 9 === 4) votes[9] = 9; // "not a face" outvotes every emotion: dropped in FER+ mode
      const name = i % 11 === 7 ? "" : `fer${i}.png`; // no image: dropped, no votes to mix
      lines.push(`${usage},${name},${votes.join(",")}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** The sources as `deno task train` builds them from the config (`runTargets`), and the run. */
async function runWithSources(config: TrainConfig, dataLabels: string[], runDir: string) {
  const data = await readRunData(config, dataLabels);
  const sources = await runTargets(config, data, { runDir, progress: false });
  try {
    return await runTraining(config, {
      train: data.train.split,
      val: data.val.split,
      valName: data.val.name,
      labels: data.labels,
      runDir,
      targets: sources.targets,
      progress: false,
    });
  } finally {
    sources.dispose();
  }
}

/** Runs `fn` while recording every `trainOnBatch` call's inputs and targets; returns a digest. */
async function recordSteps(fn: () => Promise<unknown>): Promise<{ tensors: number; hex: string }> {
  const proto = tf.LayersModel.prototype;
  const original = proto.trainOnBatch;
  const chunks: Uint8Array[] = [];
  proto.trainOnBatch = function (this: tf.LayersModel, x, y) {
    for (const t of [...(Array.isArray(x) ? x : [x]), y] as tf.Tensor[]) {
      const values = t.dataSync() as Float32Array;
      chunks.push(new Uint8Array(values.buffer.slice(0)));
    }
    return original.call(this, x, y);
  };
  try {
    await fn();
  } finally {
    proto.trainOnBatch = original;
  }
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return {
    tensors: chunks.length,
    hex: Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("").slice(0, 16),
  };
}

/** Digest of the steps and validation figures per case, recorded before the refactor. */
const PINNED: Record<string, { tensors: number; hex: string; val: string }> = {
  "labels only": {
    tensors: 20,
    hex: "0dcffa4ce6f49dda",
    val: "1.867624/5.793194/0.142857 1.229664/6.957501/0.428571",
  },
  "FER+ soft targets": {
    tensors: 16,
    hex: "bb0697783a155a9d",
    val: "2.396056/2.077553/0.000000 2.165064/2.168116/0.000000",
  },
  "cached teacher": {
    tensors: 20,
    hex: "eeeff47686888e1e",
    val: "2.169383/3.199202/0.142857 1.949125/3.350827/0.428571",
  },
  "teacher views": {
    tensors: 20,
    hex: "12a701b9c784b872",
    val: "2.313076/3.097820/0.142857 1.853088/2.930916/0.285714",
  },
  "FER+ votes mixed into the teacher": {
    tensors: 20,
    hex: "e62d487811366640",
    val: "2.296975/2.432714/0.142857 2.033293/3.882585/0.285714",
  },
  "FER+ votes mixed into teacher views": {
    tensors: 20,
    hex: "d79941808454ee9f",
    val: "2.310161/4.019819/0.142857 1.856369/5.343487/0.285714",
  },
  "FER+ soft targets, mirror-tied": {
    tensors: 16,
    hex: "bb0697783a155a9d",
    val: "2.394374/2.083302/0.000000 2.173828/2.083409/0.000000",
  },
  "online teacher": {
    tensors: 20,
    hex: "e4d0062594582fcb",
    val: "2.173348/2.399517/0.142857 1.751669/3.987075/0.142857",
  },
};

const CASES: Record<string, (ferplus: string, teacher: string) => Partial<TrainConfig>> = {
  "labels only": () => ({ labelSmoothing: 0.1 }),
  "FER+ soft targets": (ferplus) => ({ labels: "ferplus", ferplus }),
  "cached teacher": (_, teacher) => ({ teacher, teacherWeight: 0.6, teacherTta: "flip" }),
  "teacher views": (_, teacher) => ({ teacher, teacherWeight: 0.5, teacherViews: 2 }),
  "FER+ votes mixed into the teacher": (ferplus, teacher) => ({
    teacher,
    teacherWeight: 0.7,
    ferplus,
    ferplusWeight: 0.4,
    labelSmoothing: 0.05,
  }),
  "FER+ votes mixed into teacher views": (ferplus, teacher) => ({
    teacher,
    teacherViews: 2,
    ferplus,
    ferplusWeight: 0.25,
  }),
  // The live kind of run: FER+ targets on a mirror-tied model (the after-step projection).
  "FER+ soft targets, mirror-tied": (ferplus) => ({
    labels: "ferplus",
    ferplus,
    mirrorSymmetric: true,
  }),
  "online teacher": (_, teacher) => ({
    teacher,
    teacherOnline: true,
    teacherWeight: 0.5,
    teacherTta: "flip",
  }),
};

Deno.test("every target source gives the targets it gave before the refactor, bit for bit", async () => {
  await useWasmTraining();
  await withTempDir("fer-targets-pin-", async (dir) => {
    const data = join(dir, "prepared");
    const labels = [...FER_EMOTIONS];
    await writeSyntheticPrepared(data, [
      syntheticSplit("Training", 40, 7, 1),
      syntheticSplit("PublicTest", 16, 7, 2),
    ], labels);
    const ferplus = join(dir, "fer2013new.csv");
    await Deno.writeTextFile(ferplus, votesCsv({ Training: 40, PublicTest: 16 }));
    const teacher = await writeTinyModelDir();
    try {
      const dataLabels = (await readManifest(data)).labels;
      const got: typeof PINNED = {};
      for (const [name, flags] of Object.entries(CASES)) {
        const config = validateConfig(tinyTrainConfig({
          epochs: 2,
          batchSize: 8,
          data,
          seed: 5,
          ...flags(ferplus, teacher),
        }));
        const runDir = join(dir, `run-${Object.keys(got).length}`);
        let history = "";
        const steps = await recordSteps(async () => {
          const result = await runWithSources(config, dataLabels, runDir);
          history = result.history.map((h) =>
            `${h.trainLoss.toFixed(6)}/${h.valLoss.toFixed(6)}/${h.valAccuracy.toFixed(6)}`
          ).join(" ");
          result.model.dispose();
        });
        got[name] = { ...steps, val: history };
      }
      assertEquals(got, PINNED);
    } finally {
      await Deno.remove(teacher, { recursive: true });
    }
  });
});
