/**
 * The work behind `deno task compare A B`: a paired comparison of two exported models or model sets on the same images (a
 * prepared split, a FER2013 CSV's split, or Selection), or of two per-item prediction files
 * (`--pairs A.json B.json`, format in `compare/pairs.ts`): both accuracies, the difference with a
 * 95% paired-bootstrap interval, McNemar's exact p on the items only one model gets right, and
 * per-class recall deltas (`stats/paired.ts`). A model only replaces another when the gain is
 * significant (p < 0.05) on a split that was not used to choose it (README "Comparing models").
 *
 * @module
 */
import { argmaxRows } from "../metrics.ts";
import type { Tta } from "../predict_batches.ts";
import { readFolderFacts, scoreModelDir } from "../score.ts";
import { type EvalSplitName, loadEvalSplit } from "../eval_split.ts";
import { comparePaired, type PairedComparison } from "../stats/paired.ts";
import { type MatchedPairs, matchPairs, type PairRecord, readPairRecords } from "./pairs.ts";
import type { ComparisonHeading } from "./format.ts";

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

/**
 * Compares two lists of per-item records (`compare/pairs.ts`) matched by id; `names` name the two
 * sides in errors. Behind {@link comparePairFiles} and the full study's paired tests.
 */
export function comparePairRecords(
  a: PairRecord[],
  b: PairRecord[],
  names: [string, string],
  options: { resamples?: number; seed?: number } = {},
): { result: PairedComparison; matched: MatchedPairs } {
  const matched = matchPairs(a, b, names);
  const result = comparePaired({
    labels: matched.labels,
    predictedA: matched.predictedA,
    predictedB: matched.predictedB,
    classes: matched.classNames.length,
  }, options);
  return { result, matched };
}

/** Compares two prediction files (see `compare/pairs.ts`). */
export async function comparePairFiles(
  pathA: string,
  pathB: string,
  options: { resamples?: number; seed?: number } = {},
): Promise<{ result: PairedComparison; heading: ComparisonHeading }> {
  const { result, matched } = comparePairRecords(
    await readPairRecords(pathA),
    await readPairRecords(pathB),
    [pathA, pathB],
    options,
  );
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
