/**
 * Scores of an exported model, or of a model set (`src/model/set.ts`), on a whole split: what
 * `evaluate`, `compare` and `calibrate` measure. A set's scores are the weighted mean of its
 * members' probabilities, each member scored with its own pixel scale and views (a mirror-tied
 * member skips the flip view, which would score the same), as the server's `FerSetClassifier`
 * does; no temperature is applied here (the callers apply the model's or set's).
 *
 * @module
 */
import { loadLayersModelDir, type ModelFolder, readModelFolder } from "../src/model/io.ts";
import type { FerModelMetadata, SelectionRecord } from "../src/model/metadata.ts";
import type { FerSetMetadata } from "../src/model/set.ts";
import { weightedMeanProbabilities } from "../src/classifier/set_classifier.ts";
import type { BadRow } from "./data/fer_csv.ts";
import { toTrainData } from "./dataset.ts";
import { predictScores, type Tta } from "./predict_batches.ts";
import { type EvalSplit, type EvalSplitName, loadEvalSplit } from "./eval_split.ts";
import { PIXEL_SCALE } from "../src/face.ts";

/** A model's (or set's) scores on one split. */
export interface ModelScores {
  /** The folder's `fer-model.json` (a set's, for a set). */
  metadata: FerModelMetadata | FerSetMetadata;
  /** The split scored. */
  evalSplit: EvalSplit;
  /** `count x classes` probabilities as the model outputs them (no temperature). */
  scores: Float32Array;
  /** True label per image. */
  labels: Uint8Array;
  /** Number of classes. */
  classes: number;
  /**
   * The Selection record of the model, or of each member of a set (`undefined`: trained on all
   * of Training, so Selection figures are optimistic for it).
   */
  selections: (SelectionRecord | undefined)[];
}

/** Where {@link scoreModelDir} takes its images from. */
export interface ScoreOptions {
  /** Prepared data folder. */
  dataDir?: string;
  /** A FER2013 CSV instead of the prepared data. */
  csv?: string;
  /** With `csv`: throw at the first bad row instead of skipping it. */
  strict?: boolean;
  /** With `csv`: called for each skipped bad row. */
  onBadRow?: (bad: BadRow) => void;
  /** Test-time views averaged (default none). */
  tta?: Tta;
  /** Images already loaded (e.g. one Selection for two models): used instead of reading them. */
  evalSplit?: EvalSplit;
}

/** What scoring a folder needs to know before loading any weights. */
export interface FolderFacts {
  /** The folder as `readModelFolder` reads it. */
  folder: ModelFolder;
  /** Class names. */
  labels: string[];
  /** Feature inputs any of its models needs. */
  features: string[];
  /** Selection records, one per model (see {@link ModelScores.selections}). */
  selections: (SelectionRecord | undefined)[];
}

/** Reads a model or set folder's labels, feature inputs and Selection records. */
export async function readFolderFacts(dir: string): Promise<FolderFacts> {
  const folder = await readModelFolder(dir);
  const models = folder.kind === "set" ? folder.members.map((m) => m.metadata) : [folder.metadata];
  return {
    folder,
    labels: folder.metadata.labels,
    features: [...new Set(models.flatMap((m) => m.features.map((f) => f.name)))],
    selections: models.map((m) => m.training?.selection),
  };
}

/** One exported model's scores on `evalSplit` with its own scale and views. */
async function scoreOne(
  dir: string | URL,
  metadata: FerModelMetadata,
  evalSplit: EvalSplit,
  tta: Tta,
): Promise<Float32Array> {
  const model = await loadLayersModelDir(dir);
  try {
    const { data } = toTrainData(evalSplit.split, {
      classes: metadata.labels.length,
      features: metadata.features.map((f) => f.name),
      labelSmoothing: 0,
    });
    // A mirror-tied model scores its mirror image the same: one view is the same answer.
    const views = tta === "flip" && metadata.mirrorSymmetric ? "none" : tta;
    return predictScores(model, data, metadata.input.scale ?? PIXEL_SCALE, 256, views);
  } finally {
    model.dispose();
  }
}

/**
 * Scores the model or model set in `modelDir` on a split (raw probabilities, test-time views
 * averaged; for a set, the weighted mean of its members'). Selection is the model's own, from
 * its fer-model.json (a set's members must agree on it).
 */
export async function scoreModelDir(
  modelDir: string,
  split: EvalSplitName,
  options: ScoreOptions = {},
): Promise<ModelScores> {
  const facts = await readFolderFacts(modelDir);
  const evalSplit = options.evalSplit ?? await loadEvalSplit(
    split,
    {
      dataDir: options.dataDir,
      csv: options.csv,
      strict: options.strict,
      onBadRow: options.onBadRow,
      features: facts.features,
    },
    facts.selections,
  );
  const tta = options.tta ?? "none";
  const { folder } = facts;
  let scores: Float32Array;
  if (folder.kind === "model") {
    scores = await scoreOne(modelDir, folder.metadata, evalSplit, tta);
  } else {
    const parts: Float32Array[] = [];
    for (const m of folder.members) parts.push(await scoreOne(m.dir, m.metadata, evalSplit, tta));
    scores = weightedMeanProbabilities(parts, folder.members.map((m) => m.weight));
  }
  return {
    metadata: folder.metadata,
    evalSplit,
    scores,
    labels: evalSplit.split.labels,
    classes: facts.labels.length,
    selections: facts.selections,
  };
}
