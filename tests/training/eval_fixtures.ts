/**
 * Fixtures for the evaluate / compare / calibrate tests: the classifier tests' tiny 7-class model
 * with seeded noise on its weights (so two of them disagree), and synthetic prepared data over the
 * seven FER2013 labels.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { saveModelDir } from "../../src/model/io.ts";
import type { FerModelMetadata } from "../../src/model/metadata.ts";
import { FER_EMOTIONS } from "../../src/face.ts";
import { tinyFerModel, tinyMetadata } from "../classifier/tiny_model.ts";
import { syntheticSplit, writeSyntheticPrepared } from "./synthetic.ts";

/** The tiny 7-class model with its weights nudged by seeded noise, so two of them disagree. */
export async function writeNudgedTinyModel(
  dir: string,
  seed: number,
  extra: Partial<FerModelMetadata> = {},
): Promise<void> {
  const model = tinyFerModel();
  model.setWeights(
    model.getWeights().map((w) =>
      tf.tidy(() => w.add(tf.randomNormal(w.shape, 0, 0.3, "float32", seed)))
    ),
  );
  await saveModelDir(model, dir, "none", { ...tinyMetadata(), ...extra });
  model.dispose();
}

/** Synthetic prepared data over the seven FER2013 labels. */
export async function writeSevenClassData(dir: string): Promise<void> {
  await writeSyntheticPrepared(
    dir,
    [syntheticSplit("Training", 140, 7, 1), syntheticSplit("PublicTest", 70, 7, 2)],
    [...FER_EMOTIONS],
  );
}

const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

/**
 * Runs `training/<script>` with `args` in a child `deno` under the project's config, as
 * `deno task` would; returns its exit code and stdout + stderr.
 */
export async function runTrainingCli(
  script: string,
  args: string[],
): Promise<{ code: number; out: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      CONFIG,
      new URL(`../../training/${script}`, import.meta.url).pathname,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, out: text(output.stdout) + text(output.stderr) };
}
