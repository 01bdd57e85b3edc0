/**
 * `deno task compare A B`: a paired comparison of two exported models or model sets on the same images (a
 * prepared split, a FER2013 CSV's split, or Selection), or of two per-item prediction files
 * (`--pairs A.json B.json`, format in `compare/pairs.ts`): both accuracies, the difference with a
 * 95% paired-bootstrap interval, McNemar's exact p on the items only one model gets right, and
 * per-class recall deltas (`stats/paired.ts`). A model only replaces another when the gain is
 * significant (p < 0.05) on a split that was not used to choose it (README "Comparing models").
 *
 * @module
 */
import { parseArgs } from "node:util";
import { useWasmBackend } from "../src/backend.ts";
import { argmaxRows } from "./metrics.ts";
import type { Tta } from "./predict_batches.ts";
import { readFolderFacts, scoreModelDir } from "./score.ts";
import { type EvalSplitName, loadEvalSplit, parseEvalSplit, parseTta } from "./eval_split.ts";
import { comparePaired, type PairedComparison } from "./stats/paired.ts";
import { matchPairs, readPairRecords } from "./compare/pairs.ts";
import { type ComparisonHeading, comparisonJson, formatComparison } from "./compare/format.ts";
import { runMain } from "../term/run_main.ts";

const HELP =
  `deno task compare A B [flags]          two model (or model set) folders on the same images
deno task compare --pairs A.json B.json   two per-item prediction files

  --split NAME       PublicTest | PrivateTest | Training | Selection (default PublicTest)
  --data DIR         prepared data folder (default data/prepared)
  --csv PATH         read the split straight from a FER2013 .csv/.csv.gz instead
  --tta MODE         none | flip | tencrop views, for both models (default none)
  --pairs            A and B are JSON files of {id, label, predicted} records, matched by id
                     (an array, or an object with an "items" array; "file" is taken for "id";
                     labels are class names or indices; predicted null = no answer, wrong)
  --resamples N      bootstrap resamples (default 2000)
  --seed N           bootstrap seed (default 2013)
  --json             print the result as JSON instead of text

B - A > 0 means B is more accurate. Models trained on all of Training (the shipped ones) can only
be compared fairly on PublicTest or PrivateTest: they learned the Selection images.
`;

/** Compares two model folders on one split; returns the statistics and the heading. */
export async function compareModelDirs(
  dirA: string,
  dirB: string,
  split: EvalSplitName,
  options: { dataDir?: string; csv?: string; tta?: Tta; resamples?: number; seed?: number } = {},
): Promise<{ result: PairedComparison; heading: ComparisonHeading }> {
  // Either may be a model set: its members' labels, features and Selection records count.
  const [metaA, metaB] = await Promise.all([readFolderFacts(dirA), readFolderFacts(dirB)]);
  if (metaA.labels.join() !== metaB.labels.join()) {
    throw new Error(
      `the models have different labels (${metaA.labels.join(", ")} vs ${metaB.labels.join(", ")})`,
    );
  }
  const features = [...new Set([...metaA.features, ...metaB.features])];
  // One set of images for both: for Selection, the draw both models agree on.
  const evalSplit = await loadEvalSplit(split, { ...options, features }, [
    ...metaA.selections,
    ...metaB.selections,
  ]);
  const score = async (dir: string) => {
    const s = await scoreModelDir(dir, split, { ...options, evalSplit });
    return { labels: s.labels, predicted: argmaxRows(s.scores, s.classes), classes: s.classes };
  };
  const a = await score(dirA);
  const b = await score(dirB);
  const result = comparePaired(
    { labels: a.labels, predictedA: a.predicted, predictedB: b.predicted, classes: a.classes },
    options,
  );
  const tta = options.tta ?? "none";
  return {
    result,
    heading: {
      a: dirA,
      b: dirB,
      on: `${split}${options.csv ? ` of ${options.csv}` : ""} (tta ${tta})`,
      classNames: metaA.labels,
      notes: evalSplit.warning ? [evalSplit.warning] : [],
    },
  };
}

/** Compares two prediction files (see `compare/pairs.ts`). */
export async function comparePairFiles(
  pathA: string,
  pathB: string,
  options: { resamples?: number; seed?: number } = {},
): Promise<{ result: PairedComparison; heading: ComparisonHeading }> {
  const matched = matchPairs(await readPairRecords(pathA), await readPairRecords(pathB), [
    pathA,
    pathB,
  ]);
  const result = comparePaired({
    labels: matched.labels,
    predictedA: matched.predictedA,
    predictedB: matched.predictedB,
    classes: matched.classNames.length,
  }, options);
  const missing = (p: Int32Array) => p.filter((v) => v < 0).length;
  const notes = [
    [pathA, missing(matched.predictedA)],
    [pathB, missing(matched.predictedB)],
  ].filter(([, n]) => n).map(([path, n]) =>
    `${path}: no answer for ${n} of the items (counted wrong)`
  );
  return {
    result,
    heading: {
      a: pathA,
      b: pathB,
      on: "the items of both files, matched by id",
      classNames: matched.classNames,
      notes,
    },
  };
}

function wholeNumber(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`--${flag} expects a whole number, got "${raw}"`);
  }
  return n;
}

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      split: { type: "string", default: "PublicTest" },
      data: { type: "string", default: "data/prepared" },
      csv: { type: "string" },
      tta: { type: "string", default: "none" },
      pairs: { type: "boolean", default: false },
      resamples: { type: "string" },
      seed: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 2) {
    console.error(
      `expected two models (or two --pairs files), got ${positionals.length}\n\n${HELP}`,
    );
    return 2;
  }
  const [a, b] = positionals;
  const stats = {
    resamples: wholeNumber("resamples", values.resamples, 2000),
    seed: wholeNumber("seed", values.seed, 2013),
  };
  let compared;
  if (values.pairs) {
    compared = await comparePairFiles(a, b, stats);
  } else {
    const split = parseEvalSplit(values.split);
    const tta = parseTta(values.tta);
    await useWasmBackend();
    compared = await compareModelDirs(a, b, split, {
      dataDir: values.data,
      csv: values.csv,
      tta,
      ...stats,
    });
  }
  console.log(
    values.json
      ? JSON.stringify(comparisonJson(compared.result, compared.heading), null, 2)
      : formatComparison(compared.result, compared.heading),
  );
  return 0;
}

if (import.meta.main) await runMain("compare", main);
