/**
 * `deno task prepare:photos`: prepared data for fine-tuning on real photos. Every photo of one
 * fold of a labelled folder goes through the server's own path (decode, detect with retry, align,
 * crop to 48x48 gray: `predictPhotos`), and its crop joins a copy of FER2013 Training, repeated
 * `--repeat` times so a few hundred photos weigh against 28,709 faces. PublicTest is copied as it
 * is. The other folds are written as `labels.csv` folders of links, to evaluate on photos of
 * people the model never saw (`deno task evaluate:photos --dir OUT/fold-1`).
 *
 * @module
 */
import { parseArgs } from "node:util";
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
import { runMain } from "../../term/run_main.ts";
import { parseLabelsCsv } from "./labels_csv.ts";
import { predictPhotos } from "./run.ts";
import { photoFold } from "./folds.ts";

const HELP = `deno task prepare:photos --dir PHOTOS --base PREPARED --out OUT [flags]

  --dir DIR          photo folder with labels.csv (file,label)
  --base DIR         prepared FER2013 data to copy (deno task prepare)
  --out DIR          the new prepared data folder
  --folds N          person-disjoint folds (default 2)
  --train-fold K     the fold whose photos join Training (default 0)
  --repeat R         copies of each photo crop in Training (default 8)
  --model DIR        model whose detector path crops (default models/default; only crops are kept)
`;

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

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      dir: { type: "string" },
      base: { type: "string" },
      out: { type: "string" },
      folds: { type: "string", default: "2" },
      "train-fold": { type: "string", default: "0" },
      repeat: { type: "string", default: "8" },
      model: { type: "string", default: "models/default" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.dir || !values.base || !values.out) {
    throw new Error("--dir, --base and --out are needed");
  }
  const folds = Number(values.folds), trainFold = Number(values["train-fold"]);
  const repeat = Number(values.repeat);
  if (!(trainFold >= 0 && trainFold < folds)) throw new Error("--train-fold must be < --folds");
  if (!(Number.isInteger(repeat) && repeat >= 1)) throw new Error("--repeat must be >= 1");
  const manifest = await readManifest(values.base);
  const { photos, bad } = await parseLabelsCsv(
    await Deno.readFile(join(values.dir, "labels.csv")),
    manifest.labels,
  );
  for (const row of bad) console.error(`labels.csv line ${row.line}: ${row.reason}`);
  const train = photos.filter((p) => photoFold(p.file, folds) === trainFold);
  await useWasmBackend();
  const classifier = await loadClassifier(values.model, { keepBackend: true });
  const detector = await createFaceDetector({ keepBackend: true });
  const bar = new ProgressBar({ label: "photo crops", total: train.length, unit: "photos" });
  const records = await predictPhotos(values.dir, train, { detector, classifier }, {
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
  const training = await readPreparedSplit(values.base, "Training", { features: [] });
  const merged = appendRepeated(training, crops, labels, repeat);
  await writePreparedSplit(values.out, merged);
  const splits: typeof manifest.splits = {
    Training: {
      count: merged.count,
      classCounts: manifest.labels.map((_, k) => merged.labels.filter((l) => l === k).length),
    },
  };
  for (const name of ["PublicTest", "PrivateTest"] as const) {
    if (!manifest.splits[name]) continue;
    await writePreparedSplit(
      values.out,
      await readPreparedSplit(values.base, name, { features: [] }),
    );
    splits[name] = manifest.splits[name];
  }
  await writeManifest(values.out, {
    ...manifest,
    splits,
    features: {},
    options: {
      ...manifest.options,
      photos: { dir: resolve(values.dir), folds, trainFold, repeat, crops: crops.length },
    },
  });
  for (let k = 0; k < folds; k++) {
    const folder = join(values.out, `fold-${k}`);
    await Deno.mkdir(folder, { recursive: true });
    const mine = photos.filter((p) => photoFold(p.file, folds) === k);
    for (const p of mine) {
      await Deno.remove(join(folder, p.file)).catch(() => {});
      await Deno.symlink(resolve(values.dir, p.file), join(folder, p.file));
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
  return 0;
}

if (import.meta.main) await runMain("prepare:photos", main);
