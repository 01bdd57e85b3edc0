/**
 * A model set of two tiny models where the second is the first with some layers changed, exported
 * again as uint8 as `--freeze-convs` leaves a fine-tuned member: what the shared-trunk tests of the
 * server (`shared_trunk_test.ts`) and the page (`tests/e2e/page_temperature_test.ts`) load.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { loadLayersModelDir, saveModelDir } from "../../src/model/io.ts";
import { makeModelSet } from "../../training/model_set.ts";
import { writeNudgedTinyModel } from "../training/eval_fixtures.ts";
import { tinyMetadata } from "./tiny_model.ts";

/**
 * Writes `base` (the nudged tiny model, uint8) and `tuned`: `base` loaded back, `change`d, and
 * exported again as uint8 with other initializer seeds in its topology, then the set of the two;
 * returns the set's folder.
 */
export async function writeTrunkSet(
  dir: string,
  change: (model: tf.LayersModel) => void,
): Promise<string> {
  const float = join(dir, "float");
  await writeNudgedTinyModel(float, 1);
  const base = await loadLayersModelDir(float);
  await saveModelDir(base, join(dir, "base"), "uint8", tinyMetadata());
  base.dispose();
  const tuned = await loadLayersModelDir(join(dir, "base"));
  change(tuned);
  await saveModelDir(tuned, join(dir, "tuned"), "uint8", { ...tinyMetadata(), name: "tuned" });
  tuned.dispose();
  // A fine-tune run records its own seed in the initializers: that must not stop the sharing.
  const topology = join(dir, "tuned", "model.json");
  const json = await Deno.readTextFile(topology);
  await Deno.writeTextFile(
    topology,
    json.replaceAll(/"seed":\s*(\d+)/g, (_, n) => `"seed":${+n + 1000}`),
  );
  const out = join(dir, "set");
  await makeModelSet({
    out,
    name: "trunk-set",
    members: [{ dir: join(dir, "base"), weight: 1 }, { dir: join(dir, "tuned"), weight: 1 }],
  });
  return out;
}

/** Replaces the weights of the layer named `name` by `f` of them. */
export function changeLayer(
  model: tf.LayersModel,
  name: string,
  f: (w: tf.Tensor, i: number) => tf.Tensor,
) {
  const layer = model.getLayer(name);
  layer.setWeights(layer.getWeights().map((w, i) => tf.tidy(() => f(w, i))));
}
