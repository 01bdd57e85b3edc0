/**
 * `deno task prepare:photos`: prepared data for fine-tuning on real photos: one fold's crops join a
 * copy of FER2013 Training, the other folds become `labels.csv` folders for `evaluate:photos`
 * (`photos/fine_tune_data.ts`).
 *
 * @module
 */
import { prepareFineTuneData } from "../photos/fine_tune_data.ts";
import { defineFlags, numberFlag, parseFlags, requireFlag, UsageError } from "../../term/flags.ts";
import { runMain } from "../../term/run_main.ts";

const FLAGS = defineFlags({
  help: `deno task prepare:photos --dir PHOTOS --base PREPARED --out OUT [flags]

  --dir DIR          photo folder with labels.csv (file,label)
  --base DIR         prepared FER2013 data to copy (deno task prepare)
  --out DIR          the new prepared data folder
  --folds N          person-disjoint folds (default 2)
  --train-fold K     the fold whose photos join Training (default 0)
  --repeat R         copies of each photo crop in Training (default 8)
  --model DIR        model whose detector path crops (default models/default; only crops are kept)
`,
  options: {
    dir: { type: "string" },
    base: { type: "string" },
    out: { type: "string" },
    folds: { type: "string", default: "2" },
    "train-fold": { type: "string", default: "0" },
    repeat: { type: "string", default: "8" },
    model: { type: "string", default: "models/default" },
  },
});

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  const folds = numberFlag("folds", values.folds, { integer: true, min: 1 })!;
  const trainFold = numberFlag("train-fold", values["train-fold"], { integer: true, min: 0 })!;
  if (trainFold >= folds) throw new UsageError("--train-fold must be < --folds");
  await prepareFineTuneData({
    dir: requireFlag("dir", values.dir),
    base: requireFlag("base", values.base),
    out: requireFlag("out", values.out),
    folds,
    trainFold,
    repeat: numberFlag("repeat", values.repeat, { integer: true, min: 1 })!,
    model: values.model,
  });
  return 0;
}

if (import.meta.main) await runMain("prepare:photos", main);
