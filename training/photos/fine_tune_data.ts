/**
 * The work behind `deno task prepare:photos`: prepared data for fine-tuning on real photos. Every photo of one
 * fold of a labelled folder goes through the server's own path (decode, detect with retry, align,
 * crop to 48x48 gray: `predictPhotos`), and its crop joins a copy of FER2013 Training, repeated
 * `--repeat` times so a few hundred photos weigh against 28,709 faces. PublicTest is copied as it
 * is. The other folds are written as `labels.csv` folders of links, to evaluate on photos of
 * people the model never saw (`deno task evaluate:photos --dir OUT/fold-1`).
 *
 * @module
 */
import { join, resolve } from "node:path";
import { useWasmBackend } from "../../src/backend.ts";
import { loadClassifier } from "../../src/classifier/load.ts";
import { createFaceDetector } from "../../src/detector/mod.ts";
import {
  type PreparedSplit,
  readManifest,
  readPreparedSplit,
  writeManifest,
  writePreparedSplit,
} from "../data/cache.ts";
import { FER_PIXELS } from "../../src/face.ts";
import { ProgressBar } from "../../term/progress.ts";
import { parseLabelsCsv } from "./labels_csv.ts";
import { predictPhotos } from "./predict_photos.ts";
import { photoFold } from "./folds.ts";

/** Appends `extra` images and labels, each `repeat` times, to `split`. */
export function appendRepeated(
  split: PreparedSplit,
  images: Uint8Array[],
  labels: number[],
  repeat: number,
): PreparedSplit {
  const added = images.length * repeat;
  const out = new Uint8Array((split.count + added) * FER_PIXELS);
  out.set(split.images.subarray(0, split.count * FER_PIXELS));
  const outLabels = new Uint8Array(split.count + added);
  outLabels.set(split.labels.subarray(0, split.count));
  let at = split.count;
  for (let r = 0; r < repeat; r++) {
    images.forEach((image, i) => {
      out.set(image, at * FER_PIXELS);
      outLabels[at++] = labels[i];
    });
  }
  return { split: split.split, count: at, images: out, labels: outLabels, features: {} };
}

/** Inputs of {@link prepareFineTuneData}. */
export interface FineTuneDataOptions {
  /** Photo folder with `labels.csv`. */
  dir: string;
  /** Prepared FER2013 data to copy. */
  base: string;
  /** The new prepared data folder. */
  out: string;
  /** Person-disjoint folds. */
  folds: number;
  /** The fold whose photos join Training. */
  trainFold: number;
  /** Copies of each photo crop in Training. */
  repeat: number;
  /** Model whose detector path crops (only the crops are kept). */
  model: string;
}

/** Writes the fine-tuning data and the other folds' `labels.csv` folders (see the module doc). */
export async function prepareFineTuneData(o: FineTuneDataOptions): Promise<void> {
  const { folds, trainFold, repeat } = o;
  const manifest = await readManifest(o.base);
  const { photos, bad } = await parseLabelsCsv(
    await Deno.readFile(join(o.dir, "labels.csv")),
    manifest.labels,
  );
  for (const row of bad) console.error(`labels.csv line ${row.line}: ${row.reason}`);
  const train = photos.filter((p) => photoFold(p.file, folds) === trainFold);
  await useWasmBackend();
  const classifier = await loadClassifier(o.model, { keepBackend: true });
  const detector = await createFaceDetector({ keepBackend: true });
  const bar = new ProgressBar({ label: "photo crops", total: train.length, unit: "photos" });
  const records = await predictPhotos(o.dir, train, { detector, classifier }, {
    detect: true,
    align: true,
  }, { onProgress: (done) => bar.update(done) });
  bar.done();
  const crops: Uint8Array[] = [], labels: number[] = [];
  for (const r of records) {
    if (!r.crop) {
      console.error(`${r.file}: ${r.error ?? "no crop"}; left out`);
      continue;
    }
    crops.push(r.crop);
    labels.push(manifest.labels.indexOf(r.label));
  }
  const training = await readPreparedSplit(o.base, "Training", { features: [] });
  const merged = appendRepeated(training, crops, labels, repeat);
  await writePreparedSplit(o.out, merged);
  const splits: typeof manifest.splits = {
    Training: {
      count: merged.count,
      classCounts: manifest.labels.map((_, k) => merged.labels.filter((l) => l === k).length),
    },
  };
  for (const name of ["PublicTest", "PrivateTest"] as const) {
    if (!manifest.splits[name]) continue;
    await writePreparedSplit(
      o.out,
      await readPreparedSplit(o.base, name, { features: [] }),
    );
    splits[name] = manifest.splits[name];
  }
  await writeManifest(o.out, {
    ...manifest,
    splits,
    features: {},
    options: {
      ...manifest.options,
      photos: { dir: resolve(o.dir), folds, trainFold, repeat, crops: crops.length },
    },
  });
  for (let k = 0; k < folds; k++) {
    const folder = join(o.out, `fold-${k}`);
    await Deno.mkdir(folder, { recursive: true });
    const mine = photos.filter((p) => photoFold(p.file, folds) === k);
    for (const p of mine) {
      await Deno.remove(join(folder, p.file)).catch(() => {});
      await Deno.symlink(resolve(o.dir, p.file), join(folder, p.file));
    }
    await Deno.writeTextFile(
      join(folder, "labels.csv"),
      ["file,label", ...mine.map((p) => `${p.file},${p.label}`)].join("\n") + "\n",
    );
    console.log(
      `fold ${k}: ${mine.length} photos -> ${folder}${k === trainFold ? " (trained on)" : ""}`,
    );
  }
  console.log(
    `Training: ${training.count} FER2013 + ${crops.length} photo crops x ${repeat} = ${merged.count}`,
  );
  classifier.dispose();
  detector.dispose();
}
