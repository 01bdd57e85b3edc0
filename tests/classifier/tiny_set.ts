/**
 * A model set of two tiny models for the set tests: member `a` (nudged with seed 1, weight 3,
 * marked mirror-tied so a flip view is skipped for it) and member `b` (seed 2, weight 1, another
 * pixel scale), assembled with `deno task make:set`'s code, plus an independent reference: each
 * member's `model.predict` on its own scaled pixels (and mirror), averaged by hand.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { loadLayersModelDir } from "../../src/model/io.ts";
import { FER_INPUT } from "../../src/model/metadata.ts";
import { mirrorFace } from "../../src/classifier/views.ts";
import { makeModelSet } from "../../training/model_set.ts";
import { writeNudgedTinyModel } from "../training/eval_fixtures.ts";

/** Member settings: weight, pixel scale and mirror tie as the set test expects them. */
export const TINY_SET_MEMBERS = [
  { path: "a", seed: 1, weight: 3, scale: 1 / 255, mirrorSymmetric: true },
  { path: "b", seed: 2, weight: 1, scale: 0.8 / 255, mirrorSymmetric: false },
] as const;

/** Writes members `a` and `b` under `dir` and the set of them at `dir/set`; returns its path. */
export async function writeTinySet(dir: string, temperature?: number): Promise<string> {
  for (const m of TINY_SET_MEMBERS) {
    await writeNudgedTinyModel(join(dir, m.path), m.seed, {
      name: `tiny-${m.path}`,
      input: { ...FER_INPUT, scale: m.scale },
      mirrorSymmetric: m.mirrorSymmetric,
      // A member's own temperature must not be used by the set: give one that would show.
      temperature: 3,
    });
  }
  const out = join(dir, "set");
  await makeModelSet({
    out,
    name: "tiny-set",
    members: TINY_SET_MEMBERS.map((m) => ({ dir: join(dir, m.path), weight: m.weight })),
  });
  if (temperature !== undefined) {
    const path = join(out, "fer-model.json");
    const meta = JSON.parse(await Deno.readTextFile(path));
    await Deno.writeTextFile(path, JSON.stringify({ ...meta, temperature }, null, 2));
  }
  return out;
}

/** One member's rows by plain `model.predict` (views averaged by hand for an untied member). */
async function memberRows(
  dir: string,
  member: (typeof TINY_SET_MEMBERS)[number],
  faces: readonly Uint8Array[],
  tta: "none" | "flip",
): Promise<number[][]> {
  const model = await loadLayersModelDir(join(dir, member.path));
  const predict = async (batch: readonly Uint8Array[]) => {
    const x = tf.tensor4d(
      Float32Array.from(batch.flatMap((f) => Array.from(f, (v) => v * member.scale))),
      [batch.length, 48, 48, 1],
    );
    const y = model.predict(x) as tf.Tensor;
    const rows = await y.array() as number[][];
    tf.dispose([x, y]);
    return rows;
  };
  try {
    const plain = await predict(faces);
    if (tta === "none" || member.mirrorSymmetric) return plain;
    const mirrored = await predict(faces.map((f) => mirrorFace(f, FER_INPUT)));
    return plain.map((row, i) => row.map((p, k) => (p + mirrored[i][k]) / 2));
  } finally {
    model.dispose();
  }
}

/**
 * The set's expected probabilities for `faces`, computed without the set code: members' rows,
 * weighted 3:1, then `p^(1/T) / Σ p^(1/T)` for the set's temperature.
 */
export async function expectedSetRows(
  dir: string,
  faces: readonly Uint8Array[],
  tta: "none" | "flip" = "none",
  temperature = 1,
): Promise<number[][]> {
  const [a, b] = await Promise.all(TINY_SET_MEMBERS.map((m) => memberRows(dir, m, faces, tta)));
  const total = TINY_SET_MEMBERS[0].weight + TINY_SET_MEMBERS[1].weight;
  return a.map((row, i) => {
    const mean = row.map((p, k) =>
      (TINY_SET_MEMBERS[0].weight * p + TINY_SET_MEMBERS[1].weight * b[i][k]) / total
    );
    const powered = mean.map((p) => p ** (1 / temperature));
    const sum = powered.reduce((x, y) => x + y, 0);
    return powered.map((p) => p / sum);
  });
}

/** A face whose pixels depend on `seed`. */
export function seededFace(seed: number): Uint8Array {
  return Uint8Array.from({ length: 2304 }, (_, i) => (i * (seed + 3) + seed * 17 + (i >> 7)) & 255);
}
