/**
 * A tiny FER+ model for the tests that serve one: the classifier tests' tiny model with eight
 * outputs, FER+'s labels (FER2013's seven, then contempt) in its `fer-model.json` and
 * `training.labelSet: "ferplus"`, as `deno task export` writes a FER+ run. Contempt's output bias is
 * raised so it is the top class of the test faces: code that keeps only seven scores shows another
 * label, and code that drops the eighth loses most of the probability.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { saveModelDir } from "../../src/model/io.ts";
import type { FerModelMetadata } from "../../src/model/metadata.ts";
import { FERPLUS_EMOTIONS } from "../../src/face.ts";
import { tinyFerModel, tinyMetadata, writeTinyModelDir } from "./tiny_model.ts";

/** FER+'s labels as a plain list. */
export const FERPLUS_LABELS: string[] = [...FERPLUS_EMOTIONS];

/** The bias added to contempt's logit (the others' stay 0). */
export const CONTEMPT_BIAS = 2.5;

/** The tiny model with eight outputs, contempt's bias raised by {@link CONTEMPT_BIAS}. */
export function tinyFerPlusModel(): tf.LayersModel {
  const model = tinyFerModel(FERPLUS_EMOTIONS.length);
  const dense = model.getLayer("scores");
  // getWeights gives the variables' own tensors: not to be disposed here.
  const [kernel] = dense.getWeights();
  const raised = tf.tensor1d(
    FERPLUS_EMOTIONS.map((label) => label === "contempt" ? CONTEMPT_BIAS : 0),
  );
  dense.setWeights([kernel, raised]);
  raised.dispose();
  return model;
}

/** Metadata of the tiny FER+ model, as an export of a FER+ run would write it. */
export function tinyFerPlusMetadata(
  extra: Partial<FerModelMetadata> = {},
): Omit<FerModelMetadata, "quantization" | "sizeBytes"> {
  return {
    ...tinyMetadata(),
    name: "tiny-ferplus",
    architecture: "conv4x4/4(2) -> dense(8), test fixture",
    labels: [...FERPLUS_LABELS],
    parameters: 2 * 16 + 2 + 288 * 8 + 8,
    training: { labelSet: "ferplus" },
    ...extra,
  };
}

/**
 * Saves the tiny FER+ model (float weights) to `dir` (a new temp folder when absent) and returns
 * the folder.
 */
export async function writeTinyFerPlusDir(
  dir?: string,
  extra: Partial<FerModelMetadata> = {},
): Promise<string> {
  const out = dir ?? await Deno.makeTempDir({ prefix: "fer-tiny-ferplus-" });
  const model = tinyFerPlusModel();
  try {
    await saveModelDir(model, out, "none", tinyFerPlusMetadata(extra));
  } finally {
    model.dispose();
  }
  return out;
}

/**
 * A hand-written set folder at `dir/mixed` whose members are a 7-label model (`fer2013`) and the
 * 8-label FER+ one (`ferplus`), which every loader must refuse; returns its path.
 */
export async function writeMixedLabelSet(dir: string): Promise<string> {
  const set = join(dir, "mixed");
  const seven = await writeTinyModelDir();
  try {
    await Deno.mkdir(join(set, "fer2013"), { recursive: true });
    for (const f of ["model.json", "weights.bin", "fer-model.json"]) {
      await Deno.copyFile(join(seven, f), join(set, "fer2013", f));
    }
  } finally {
    await Deno.remove(seven, { recursive: true });
  }
  await writeTinyFerPlusDir(join(set, "ferplus"));
  await Deno.writeTextFile(
    join(set, "fer-model.json"),
    JSON.stringify({
      formatVersion: 1,
      kind: "set",
      name: "mixed",
      labels: [...FERPLUS_LABELS],
      members: [{ path: "fer2013", weight: 1 }, { path: "ferplus", weight: 1 }],
      exportedAt: "2026-12-03T00:00:00.000Z",
    }),
  );
  return set;
}
