/**
 * `fer-model.json`: what a consumer needs to know to run an exported fer-edge model — its labels,
 * input geometry and pixel scaling, feature inputs, quantization and the metrics it was shipped with.
 *
 * @module
 */
import { FER_SIZE, PIXEL_SCALE } from "../face.ts";

/** Name of the metadata file that sits beside `model.json` in an exported model folder. */
export const FER_MODEL_METADATA_FILE = "fer-model.json";

/** Weight quantization applied at export. */
export type Quantization = "uint8" | "float16" | "none";

/** How raw 8-bit grayscale pixels become model input: `x = pixel * scale + offset`. */
export interface InputSpec {
  /** Input width in pixels. */
  width: number;
  /** Input height in pixels. */
  height: number;
  /** Channels (1 = grayscale). */
  channels: number;
  /** Multiplier applied to each 0..255 pixel. */
  scale: number;
  /** Added after scaling. */
  offset: number;
}

/** Headline metrics of a model on one split. */
export interface SplitMetrics {
  /** Split name, e.g. `PublicTest`. */
  split: string;
  /** Number of images evaluated. */
  count: number;
  /** Top-1 accuracy in 0..1. */
  accuracy: number;
  /** Unweighted mean of per-class F1 scores. */
  macroF1: number;
}

/** Contents of `fer-model.json`. */
export interface FerModelMetadata {
  /** Bumped when the layout of this file changes. */
  formatVersion: 1;
  /** `model` (or absent): one exported model; a set's `fer-model.json` is `FerSetMetadata`. */
  kind?: "model";
  /** Short model name, e.g. `default`, `model-a`. */
  name: string;
  /** Human-readable description of the architecture. */
  architecture: string;
  /** Class names in output order. */
  labels: string[];
  /** Image input geometry and scaling. */
  input: InputSpec;
  /** Names of extra feature inputs in input order (empty for image-only models). */
  features: { name: string; length: number }[];
  /** Weight quantization of the exported shards. */
  quantization: Quantization;
  /** Number of trainable parameters. */
  parameters: number;
  /** Multiply-accumulates per image (forward pass). */
  macs?: number;
  /**
   * True when the weights are tied in mirror pairs (`deno task train --mirror-symmetric`): a face
   * and its mirror image score the same, so a flip view would only repeat the work.
   */
  mirrorSymmetric?: boolean;
  /** Total bytes of `model.json` plus weight shards. */
  sizeBytes: number;
  /**
   * Temperature the class probabilities are rescaled with wherever scores are shown (see
   * `src/classifier/temperature.ts`); absent = 1, the model's own softmax. Fitted by
   * `deno task calibrate` on a split other than the one reported; how is in {@link calibration}.
   */
  temperature?: number;
  /** How {@link temperature} was fitted. */
  calibration?: CalibrationRecord;
  /** Where the model came from. */
  training: {
    /** SHA-256 of the source CSV the training data was prepared from. */
    dataSha256?: string;
    /** Epochs trained. */
    epochs?: number;
    /** When the weights are an average of several epochs' snapshots: those epochs. */
    averagedEpochs?: number[];
    /** Label set: `fer2013` (7 classes) or `ferplus` (8). */
    labelSet?: string;
    /** The full resolved training configuration. */
    config?: Record<string, unknown>;
    /**
     * The Selection split held out of Training (absent: the model was trained on all of Training,
     * so only PublicTest or PrivateTest can judge it).
     */
    selection?: SelectionRecord;
  };
  /** Metrics of the exported (quantized) model and of the float model it came from. */
  metrics: {
    quantized?: SplitMetrics;
    float?: SplitMetrics;
  };
  /** ISO timestamp of the export. */
  exportedAt: string;
}

/**
 * The Selection split: a fixed, seeded, class-stratified share of Training held out of training
 * and used for every choice (epochs, windows, temperatures), so PublicTest is read only to report.
 */
export interface SelectionRecord {
  /** Share of each class held out, e.g. 0.1. */
  fraction: number;
  /** Seed of the draw. */
  seed: number;
  /** Images held out. */
  count: number;
  /** Images of Training the split was drawn from. */
  of: number;
  /** SHA-256 (hex) of the held-out Training indices as little-endian uint32, ascending. */
  sha256: string;
}

/** Where a model's {@link FerModelMetadata.temperature} came from. */
export interface CalibrationRecord {
  /** Split the temperature was fitted on (e.g. `Selection`). */
  split: string;
  /** Images it was fitted on. */
  count: number;
  /** Test-time views the fitted scores averaged (`none`, `flip`, ...). */
  tta: string;
  /** Mean negative log-likelihood on the fit split before (T = 1) and after. */
  nll: { before: number; after: number };
  /** Expected calibration error (15 bins) on the fit split before and after. */
  ece: { before: number; after: number };
  /** ISO timestamp of the fit. */
  fittedAt: string;
}

/**
 * The input spec every fer-edge model uses: the face contract's 48x48 grayscale crop, scaled to
 * 0..1 (`src/face.ts`).
 */
export const FER_INPUT: InputSpec = {
  width: FER_SIZE,
  height: FER_SIZE,
  channels: 1,
  scale: PIXEL_SCALE,
  offset: 0,
};
