/**
 * The training configuration: fer-edge's equivalent of the seed's `parameters.py`, as one typed
 * object with per-model defaults, a `--config` JSON file and CLI overrides. Every run writes the full
 * resolved config into its run folder.
 *
 * @module
 */
import type { ModelName } from "./models/spec.ts";
import { checkSelectionConfig, DEFAULT_SELECTION, type SelectionConfig } from "./selection.ts";

/** Optimizers the seed offers, plus plain SGD. */
export type OptimizerName = "momentum" | "adam" | "rmsprop" | "adagrad" | "adadelta" | "sgd";

/** Learning-rate schedules. `exponential` is the seed's `lr * decay^(step / decayStep)` (staircase). */
export type ScheduleName = "exponential" | "step" | "cosine" | "plateau" | "constant";

/** On-the-fly augmentation of training images. */
export interface AugmentConfig {
  /** Mirror images left-right with probability 0.5. */
  flip: boolean;
  /** Maximum random shift in pixels, each axis. */
  shift: number;
  /** Maximum random rotation in degrees. */
  rotate: number;
  /** Maximum relative zoom in or out (0.1 = 90%..110%). */
  scale: number;
  /**
   * Random erasing: the probability that a rectangle (2-25% of the face, aspect 1:3 to 3:1) is
   * filled with noise after the transform, so no single region (mouth, eyes) decides alone.
   * Absent or 0 = off; configs written before it existed read as off.
   */
  erase?: number;
  /**
   * Photo-path degradation (`photo_degrade.ts`): the probability that an image is put through a
   * random mix of low resolution, blur, tone change, noise and JPEG artefacts after the transform.
   * Absent or 0 = off; configs written before it existed read as off.
   */
  photo?: number;
}

/** Every knob of a training run. */
export interface TrainConfig {
  /** Model family. */
  model: ModelName;
  /** Width multiplier of the default model. */
  width: number;
  /**
   * Convolution channels of the default model's four stages at width 1 (absent = 16, 32, 64, 128);
   * even numbers for `mirrorSymmetric`.
   */
  stageChannels?: number[];
  /** Prepared-data folder written by `deno task prepare`. */
  data: string;
  /** Label set: the FER2013 labels, or FER+ vote distributions (8 classes). */
  labels: "fer2013" | "ferplus";
  /** FER+ votes CSV (`fer2013new.csv`), with `labels: "ferplus"` or `ferplusWeight`. */
  ferplus?: string;
  /**
   * With `labels: "fer2013"` and a teacher: share of the teacher's scores replaced by each Training
   * image's FER+ votes over the seven classes (0 = off).
   */
  ferplusWeight: number;
  /** Feature inputs concatenated into the feature branch, e.g. `["landmarks", "hog"]`. */
  features: string[];
  /** The seed's switch: batch-norm after convolutions. */
  batchNormConv: boolean;
  /** The seed's switch: batch-norm after dense layers. */
  batchNormDense: boolean;
  /** Dropout keep probability. */
  keepProb: number;
  /** Optimizer. */
  optimizer: OptimizerName;
  /** Initial learning rate. */
  learningRate: number;
  /** Optimizer parameter: momentum (momentum, rmsprop), beta1 (adam), rho (adadelta). */
  optimizerParam: number;
  /** Schedule. */
  schedule: ScheduleName;
  /** Decay factor for `exponential`, `step` and `plateau`. */
  learningRateDecay: number;
  /** Steps between decays (`exponential`, in batches) or epochs between decays (`step`). */
  decayStep: number;
  /** Epochs of linear warm-up (all schedules). */
  warmupEpochs: number;
  /**
   * Warm restart of the cosine schedule: from this epoch on, the rate starts again at
   * `learningRate` and decays to zero at `epochs` (0 = one cosine from the start).
   */
  restartEpoch: number;
  /** Epochs to train. */
  epochs: number;
  /** Images per batch. */
  batchSize: number;
  /** Label smoothing epsilon applied to the targets. */
  labelSmoothing: number;
  /** Augmentation. */
  augment: AugmentConfig;
  /** Stop when the validation accuracy has not improved for this many epochs (0 = never). */
  earlyStopPatience: number;
  /**
   * The split the exported model is reported on; without {@link selection}, also the one epochs
   * are chosen on (as every run before the Selection split did).
   */
  validationSplit: "PublicTest";
  /**
   * The Selection split (`selection.ts`): this share of each Training class, drawn with this seed,
   * is held out of training, and epochs, early stopping and the best model are chosen on it.
   * Every new run has it (default 10%, seed 2013); absent = the old behaviour, all of Training
   * trained on and choices made on {@link validationSplit} (`--no-selection`, and runs resumed
   * from before it existed).
   */
  selection?: SelectionConfig;
  /** Use at most this many images per split (0 = all), for quick runs. */
  limit: number;
  /** Seed of initialisers, shuffling and augmentation. */
  seed: number;
  /**
   * Knowledge distillation: a model folder whose (test-time augmented) scores on the Training
   * images are mixed into the targets, or several separated by commas whose scores are averaged
   * (an ensemble teacher). Absent = plain labels.
   */
  teacher?: string;
  /**
   * An exported model folder whose weights start the run instead of random initialisation (same
   * architecture required). Absent = random. A resumed run takes its checkpoint instead.
   */
  initFrom?: string;
  /**
   * Keep the first N convolutions (with their batch norms, activations and pooling) at the
   * `initFrom` weights, in inference mode (`engine/freeze.ts`): a set of the two models then runs
   * that trunk once. Optional, so earlier configs stay as they were (0 = everything trains).
   */
  freezeConvs?: number;
  /** Share of the teacher's scores in each target, in [0, 1]. */
  teacherWeight: number;
  /** Test-time augmentation the teacher's scores are computed with. */
  teacherTta: "none" | "flip" | "tencrop";
  /**
   * Consistent distillation (`teacher_views.ts`): K > 0 transformed copies of every Training image
   * are scored by the teacher and the student trains on them with those scores; 0 = the teacher
   * scores clean images and the student augments on the fly.
   */
  teacherViews: number;
  /**
   * Score every augmented batch with the teacher inside the training step (`online_teacher.ts`)
   * instead of caching its scores on clean images. Optional, so earlier configs stay as they were.
   */
  teacherOnline?: boolean;
  /**
   * Which Training rows the teacher's scores go into: `all`, or `fer2013` to leave the photo
   * crops that `deno task prepare:photos` appended on their own labels (learning without
   * forgetting: the teacher keeps the FER2013 rows where they were, the photos teach new things).
   * Optional, so earlier configs stay as they were (`all`).
   */
  teacherRows?: "all" | "fer2013";
  /**
   * Teacher folder(s) of the photo crops that `prepare:photos` appended, comma-separated like
   * `teacher`: their scores replace `teacher`'s on those rows (a teacher that knows photos there,
   * the best FER2013 teacher on the FER2013 rows). Absent = `teacher` on every row.
   */
  photoTeacher?: string;
  /** Weight quantization at export. */
  quantization: "uint8" | "float16" | "none";
  /**
   * Tie the default model's weights so a face and its mirror image score the same (see
   * `models/mirror_symmetry.ts`): one view then does what flip test-time augmentation does.
   */
  mirrorSymmetric: boolean;
}

const COMMON: Omit<TrainConfig, "model"> = {
  width: 1,
  data: "data/prepared",
  labels: "fer2013",
  ferplusWeight: 0,
  features: [],
  batchNormConv: true,
  batchNormDense: true,
  keepProb: 0.7,
  optimizer: "adam",
  learningRate: 0.002,
  optimizerParam: 0.9,
  schedule: "cosine",
  learningRateDecay: 0.5,
  decayStep: 10,
  warmupEpochs: 1,
  restartEpoch: 0,
  epochs: 40,
  batchSize: 64,
  labelSmoothing: 0.1,
  augment: { flip: true, shift: 4, rotate: 10, scale: 0.1 },
  earlyStopPatience: 0,
  validationSplit: "PublicTest",
  selection: DEFAULT_SELECTION,
  limit: 0,
  seed: 42,
  teacherWeight: 0.5,
  teacherTta: "flip",
  teacherViews: 0,
  quantization: "uint8",
  mirrorSymmetric: false,
};

/**
 * Defaults per model. Model A and B take the seed's published hyperparameters (momentum 0.95,
 * lr 0.016 decayed by 0.864 every 50 steps, keep_prob 0.956, batch 128, no augmentation); the
 * default model takes a modern recipe (Adam, cosine schedule, augmentation, label smoothing).
 */
export function defaultConfig(model: ModelName): TrainConfig {
  const fresh = { ...COMMON, augment: { ...COMMON.augment }, selection: { ...DEFAULT_SELECTION } };
  if (model === "default") return { ...fresh, model };
  return {
    ...fresh,
    model,
    keepProb: 0.956,
    optimizer: "momentum",
    learningRate: 0.016,
    optimizerParam: 0.95,
    schedule: "exponential",
    learningRateDecay: 0.864,
    decayStep: 50,
    warmupEpochs: 0,
    epochs: 13,
    batchSize: 128,
    labelSmoothing: 0,
    augment: { flip: false, shift: 0, rotate: 0, scale: 0 },
  };
}

const OPTIMIZERS: OptimizerName[] = ["momentum", "adam", "rmsprop", "adagrad", "adadelta", "sgd"];
const SCHEDULES: ScheduleName[] = ["exponential", "step", "cosine", "plateau", "constant"];

/** Checks a resolved config and throws a message naming the first bad field. */
export function validateConfig(c: TrainConfig): TrainConfig {
  const fail = (field: string, why: string) => {
    throw new Error(`config: ${field} ${why}`);
  };
  if (!["a", "b", "default"].includes(c.model)) fail("model", "must be a, b or default");
  if (!OPTIMIZERS.includes(c.optimizer)) fail("optimizer", `must be one of ${OPTIMIZERS}`);
  if (!SCHEDULES.includes(c.schedule)) fail("schedule", `must be one of ${SCHEDULES}`);
  if (!(c.learningRate > 0)) fail("learningRate", "must be > 0");
  if (!(c.keepProb > 0 && c.keepProb <= 1)) fail("keepProb", "must be in (0, 1]");
  if (!(Number.isInteger(c.epochs) && c.epochs >= 1)) fail("epochs", "must be an integer >= 1");
  if (!(Number.isInteger(c.batchSize) && c.batchSize >= 1)) fail("batchSize", "must be >= 1");
  if (!(c.labelSmoothing >= 0 && c.labelSmoothing < 1)) fail("labelSmoothing", "must be in [0,1)");
  const erase = c.augment.erase ?? 0;
  if (!(erase >= 0 && erase <= 1)) fail("augment.erase", "must be in [0, 1]");
  const photo = c.augment.photo ?? 0;
  if (!(photo >= 0 && photo <= 1)) fail("augment.photo", "must be in [0, 1]");
  if (!(c.width > 0)) fail("width", "must be > 0");
  if (c.selection !== undefined) {
    try {
      checkSelectionConfig(c.selection);
    } catch (error) {
      fail("selection", (error as Error).message.replace(/^selection\.?/, ""));
    }
  }
  if (c.labels === "ferplus" && !c.ferplus) fail("ferplus", "is required with labels=ferplus");
  if (c.stageChannels !== undefined) {
    const ok = Array.isArray(c.stageChannels) && c.stageChannels.length === 4 &&
      c.stageChannels.every((n) => Number.isInteger(n) && n >= 1);
    if (!ok) fail("stageChannels", "must be four positive integers");
    if (c.model !== "default") fail("stageChannels", "applies to the default model only");
    if (c.mirrorSymmetric && c.stageChannels.some((n) => n % 2 !== 0)) {
      fail("stageChannels", "must be even with mirrorSymmetric (channels come in mirror pairs)");
    }
  }
  if (!(c.ferplusWeight >= 0 && c.ferplusWeight <= 1)) fail("ferplusWeight", "must be in [0, 1]");
  if (c.ferplusWeight > 0) {
    if (!c.ferplus) fail("ferplusWeight", "needs --ferplus PATH");
    if (c.labels !== "fer2013") fail("ferplusWeight", "mixes votes into FER2013 mode only");
    if (!c.teacher) fail("ferplusWeight", "needs a teacher");
  }
  if (!(Number.isInteger(c.restartEpoch) && c.restartEpoch >= 0 && c.restartEpoch < c.epochs)) {
    fail("restartEpoch", "must be an integer in [0, epochs)");
  }
  if (!(c.teacherWeight >= 0 && c.teacherWeight <= 1)) fail("teacherWeight", "must be in [0, 1]");
  if (!["none", "flip", "tencrop"].includes(c.teacherTta)) {
    fail("teacherTta", "must be none, flip or tencrop");
  }
  if (!(Number.isInteger(c.teacherViews) && c.teacherViews >= 0 && c.teacherViews <= 32)) {
    fail("teacherViews", "must be an integer in [0, 32]");
  }
  if (c.teacherViews > 0 && !c.teacher) fail("teacherViews", "needs a teacher");
  // Both cut the cached scores of clean images by row; views and an online teacher have no rows.
  const notCached = c.teacherViews > 0 || c.teacherOnline;
  const cachedOnly = "works with cached scores on clean images, not teacherViews or teacherOnline";
  if (c.teacherRows !== undefined) {
    if (!["all", "fer2013"].includes(c.teacherRows)) fail("teacherRows", "must be all or fer2013");
    if (c.teacherRows === "fer2013") {
      if (!c.teacher) fail("teacherRows", "needs a teacher");
      if (notCached) fail("teacherRows", cachedOnly);
    }
  }
  if (c.photoTeacher !== undefined) {
    if (!c.teacher) fail("photoTeacher", "needs a teacher for the other rows");
    if (c.teacherRows === "fer2013") fail("photoTeacher", "and teacherRows fer2013 contradict");
    if (notCached) fail("photoTeacher", cachedOnly);
  }
  if (c.teacherOnline) {
    if (!c.teacher) fail("teacherOnline", "needs a teacher");
    if (c.teacherViews > 0) fail("teacherOnline", "replaces teacherViews; use one of them");
    if (c.ferplusWeight > 0) fail("teacherOnline", "cannot mix in FER+ votes (ferplusWeight)");
    if (c.teacherTta === "tencrop") fail("teacherOnline", "scores none or flip views, not tencrop");
  }
  if (c.freezeConvs !== undefined && c.freezeConvs !== 0) {
    if (!(Number.isInteger(c.freezeConvs) && c.freezeConvs > 0)) {
      fail("freezeConvs", "must be an integer >= 0");
    }
    if (!c.initFrom) {
      fail("freezeConvs", "needs initFrom: frozen layers keep the weights they start with");
    }
    if (c.features.length > 0) fail("freezeConvs", "needs a model without feature inputs");
  }
  if (c.mirrorSymmetric && (c.model !== "default" || c.features.length > 0)) {
    fail("mirrorSymmetric", "needs the default model without feature inputs");
  }
  if (c.teacher && c.labels === "ferplus") {
    fail("teacher", "cannot be combined with labels=ferplus");
  }
  return c;
}

/**
 * Merges a partial config (from JSON or flags) over a base, deeply for `augment`. A `selection`
 * of `null` (how a JSON file says "none") removes the base's Selection split.
 */
export function mergeConfig(base: TrainConfig, patch: Partial<TrainConfig>): TrainConfig {
  const merged = { ...base, ...patch } as TrainConfig;
  if (patch.augment) merged.augment = { ...base.augment, ...patch.augment };
  if ((patch.selection as unknown) === null) delete merged.selection;
  return merged;
}
