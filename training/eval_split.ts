/**
 * The images `evaluate`, `compare` and `calibrate` score: a FER2013 split from the prepared cache or
 * straight from a CSV, or `Selection`, the held-out part of Training (`selection.ts`). For
 * Selection the draw is the model's own (`fer-model.json` records it) and is checked against the
 * recorded fingerprint; a model trained on all of Training has no Selection, and its score there
 * is flagged as optimistic, since it learned those images.
 *
 * @module
 */
import type { BadRow } from "./data/fer_csv.ts";
import type { PreparedSplit, SplitName } from "./data/cache.ts";
import { readPreparedSplit } from "./data/cache.ts";
import type { SelectionRecord } from "../src/model/metadata.ts";
import type { Tta } from "./predict_batches.ts";
import {
  DEFAULT_SELECTION,
  type SelectionConfig,
  selectionIndices,
  selectionRecord,
  takeRows,
} from "./selection.ts";
import { UsageError } from "../term/flags.ts";

/** What can be evaluated: a FER2013 split or the held-out Selection. */
export type EvalSplitName = SplitName | "Selection";

/** Every {@link EvalSplitName}, for flag checks. */
export const EVAL_SPLITS: readonly EvalSplitName[] = [
  "Training",
  "PublicTest",
  "PrivateTest",
  "Selection",
];

/** Whether `name` is an {@link EvalSplitName}. */
export function isEvalSplit(name: unknown): name is EvalSplitName {
  return (EVAL_SPLITS as readonly unknown[]).includes(name);
}

/** The `--split` flag of `evaluate`, `compare` and `calibrate`, checked. */
export function parseEvalSplit(value: string | undefined): EvalSplitName {
  if (!isEvalSplit(value)) {
    throw new UsageError(`--split must be one of ${EVAL_SPLITS.join(", ")}, got "${value}"`);
  }
  return value;
}

/** The `--tta` flag of `evaluate`, `compare` and `calibrate`, checked. */
export function parseTta(value: string | undefined): Tta {
  if (value !== "none" && value !== "flip" && value !== "tencrop") {
    throw new UsageError(`--tta must be none, flip or tencrop, got "${value}"`);
  }
  return value;
}

/** Where the images come from. */
export interface EvalSource {
  /** Prepared data folder (default `data/prepared`). */
  dataDir?: string;
  /** A FER2013 `.csv`/`.csv.gz` to read instead of the prepared data. */
  csv?: string;
  /** Feature inputs the model needs. */
  features?: string[];
  /** With `csv`: throw at the first bad row instead of skipping it. */
  strict?: boolean;
  /** With `csv`: called for each skipped bad row. */
  onBadRow?: (bad: BadRow) => void;
}

/** A loaded evaluation split. */
export interface EvalSplit {
  /** Its images and labels. */
  split: PreparedSplit;
  /** Its name. */
  name: EvalSplitName;
  /** For Selection: the draw. */
  selection?: SelectionRecord;
  /** A caveat to print with the figures (e.g. the model trained on these images). */
  warning?: string;
}

/** Reads one FER2013 split from the prepared data or the CSV. */
export async function readSplit(name: SplitName, source: EvalSource): Promise<PreparedSplit> {
  const features = source.features ?? [];
  if (!source.csv) {
    return await readPreparedSplit(source.dataDir ?? "data/prepared", name, { features });
  }
  const data = await import("./data/mod.ts");
  const { splits } = await data.loadFerCsvSplits(source.csv, {
    features,
    strict: source.strict,
    onBadRow: source.onBadRow,
  });
  const found = splits[name];
  if (!found) {
    throw new Error(
      `${source.csv} has no ${name} rows (it has: ${Object.keys(splits).join(", ") || "none"})`,
    );
  }
  return found;
}

/**
 * The Selection draw that applies to the models being scored: the one they record (they must
 * agree), else the default, with `trainedOn` true when some model has no record (it was trained
 * on all of Training, Selection included).
 */
export function selectionFor(
  records: readonly (SelectionRecord | undefined)[],
): { config: SelectionConfig; expected?: SelectionRecord; trainedOn: boolean } {
  const known = records.filter((r): r is SelectionRecord => r !== undefined);
  for (const r of known.slice(1)) {
    if (r.sha256 !== known[0].sha256) {
      throw new Error(
        `the models held out different Selection splits (seed ${known[0].seed} vs ${r.seed}, ` +
          `sha256 ${known[0].sha256.slice(0, 12)} vs ${r.sha256.slice(0, 12)}); ` +
          `compare them on PublicTest`,
      );
    }
  }
  const expected = known[0];
  return {
    config: expected ? { fraction: expected.fraction, seed: expected.seed } : DEFAULT_SELECTION,
    expected,
    trainedOn: known.length < records.length,
  };
}

/**
 * Loads `name` for models whose `fer-model.json` Selection records are `records` (one per model
 * scored; `[undefined]` for one model trained on all of Training).
 */
export async function loadEvalSplit(
  name: EvalSplitName,
  source: EvalSource,
  records: readonly (SelectionRecord | undefined)[] = [undefined],
): Promise<EvalSplit> {
  if (name !== "Selection") return { split: await readSplit(name, source), name };
  const { config, expected, trainedOn } = selectionFor(records);
  const training = await readSplit("Training", source);
  const held = selectionIndices(training.labels, config);
  const selection = await selectionRecord(config, held, training.count);
  if (expected && expected.sha256 !== selection.sha256) {
    throw new Error(
      `this data gives another Selection split than the model held out (${selection.count} of ` +
        `${selection.of} images, sha256 ${selection.sha256.slice(0, 12)}; the model's: ` +
        `${expected.count} of ${expected.of}, ${expected.sha256.slice(0, 12)}); ` +
        `prepare the data from the CSV the model was trained on`,
    );
  }
  const warning = trainedOn
    ? `a model here was trained on all of Training, Selection included: its Selection figures ` +
      `are optimistic; only PublicTest (or PrivateTest) can judge it`
    : undefined;
  return { split: takeRows(training, held), name, selection, warning };
}
