/**
 * The face classifier: runs an exported fer-edge model on batches of 48x48 grayscale crops with
 * TensorFlow.js and returns scores keyed by class name. Uses no Deno APIs; loading from disk lives
 * in `load.ts`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { FerModelMetadata } from "../model/metadata.ts";
import { faceByteLength, packFaceInput } from "./preprocess.ts";
import { type FaceScores, toFaceScores } from "./postprocess.ts";
import { compileInference, type InferencePlan } from "./fold.ts";
import { averageViews, type ClassifyTta, mirrorFace, viewsPerFace } from "./views.ts";
import { applyTemperature, isTemperature } from "./temperature.ts";
import { checkLabels } from "../face.ts";

export type { FaceScores } from "./postprocess.ts";

/** Options of {@link FaceClassifier.classify}. */
export interface ClassifyOptions {
  /** Test-time views per face (default `none`; `flip` doubles the cost, see `views.ts`). */
  tta?: ClassifyTta;
}

/** What the HTTP layer and the CLI need from a classifier; tests substitute fakes. */
export interface FaceClassifier {
  /** Class names in output order. */
  readonly labels: readonly string[];
  /** Bytes one face crop must have (2304 for 48x48 grayscale). */
  readonly faceBytes: number;
  /** Scores for each face, in input order. Throws `RangeError` for a face of the wrong size. */
  classify(faces: readonly Uint8Array[], options?: ClassifyOptions): Promise<FaceScores[]>;
}

/** Checks that `model` and `metadata` agree, so a mismatched folder fails at start-up, not per request. */
function checkModel(model: tf.LayersModel, metadata: FerModelMetadata): void {
  if (metadata.features.length > 0) {
    throw new Error(
      `model "${metadata.name}" needs feature inputs (${
        metadata.features.map((f) => f.name).join(", ")
      }); only image-only models can be served`,
    );
  }
  // Any list of distinct names: 7 for a FER2013 model, 8 for a FER+ one (contempt last).
  checkLabels(metadata.labels, `model "${metadata.name}": fer-model.json`);
  if (model.inputs.length !== 1) {
    throw new Error(`model "${metadata.name}" has ${model.inputs.length} inputs, expected 1`);
  }
  const [, h, w, c] = model.inputs[0].shape;
  const { width, height, channels } = metadata.input;
  if (h !== height || w !== width || c !== channels) {
    throw new Error(
      `model input is [${h},${w},${c}] but fer-model.json says [${height},${width},${channels}]`,
    );
  }
  if (metadata.temperature !== undefined && !isTemperature(metadata.temperature)) {
    throw new Error(
      `fer-model.json temperature must be a finite number > 0, got ${metadata.temperature}`,
    );
  }
  const units = model.outputs[0].shape[model.outputs[0].shape.length - 1];
  if (units !== metadata.labels.length) {
    throw new Error(`model has ${units} outputs but ${metadata.labels.length} labels`);
  }
}

/** A loaded model that classifies face crops on the active TensorFlow.js backend. */
export class FerClassifier implements FaceClassifier {
  /** The model's `fer-model.json`. */
  readonly metadata: FerModelMetadata;
  /** Class names in output order. */
  readonly labels: readonly string[];
  /** Bytes one face crop must have. */
  readonly faceBytes: number;
  /** `folded`: batch norms folded into fused conv kernels; `layers`: plain `model.predict`. */
  readonly inference: "folded" | "layers";
  /** Temperature applied to every face's probabilities (fer-model.json's, 1 when absent). */
  readonly temperature: number;
  #model: tf.LayersModel;
  #plan: InferencePlan | undefined;

  /**
   * Wraps `model`; throws when its shape disagrees with `metadata`. `fold: false` skips the folded
   * plan (for comparisons); by default it is used whenever the model's layers allow.
   */
  constructor(model: tf.LayersModel, metadata: FerModelMetadata, options: { fold?: boolean } = {}) {
    checkModel(model, metadata);
    this.#model = model;
    this.metadata = metadata;
    this.labels = metadata.labels;
    this.faceBytes = faceByteLength(metadata.input);
    this.temperature = metadata.temperature ?? 1;
    this.#plan = options.fold === false ? undefined : compileInference(model);
    this.inference = this.#plan ? "folded" : "layers";
  }

  /**
   * Classifies `faces` in one batch (with `tta: "flip"`, the faces and their mirror images in one
   * batch of twice the size, unless the model is mirror-tied and the mirror would score the same);
   * returns `[]` for no faces. The probabilities are rescaled by the model's temperature.
   */
  async classify(
    faces: readonly Uint8Array[],
    options: ClassifyOptions = {},
  ): Promise<FaceScores[]> {
    if (faces.length === 0) return [];
    const averaged = await this.probabilities(faces, options);
    // Calibrated after the views are averaged: the temperature was fitted on averaged scores.
    const calibrated = this.temperature === 1
      ? averaged
      : applyTemperature(averaged, this.labels.length, this.temperature);
    return toFaceScores(calibrated, faces.length, this.labels);
  }

  /**
   * The model's own probabilities for `faces` (`faces.length × labels.length`, views averaged, no
   * temperature): what {@link classify} rescales, and what a model set averages over its members.
   */
  async probabilities(
    faces: readonly Uint8Array[],
    options: ClassifyOptions = {},
  ): Promise<Float32Array> {
    if (faces.length === 0) return new Float32Array(0);
    const { values, shape, views } = this.batchInput(faces, options);
    const output = tf.tidy(() => {
      const x = tf.tensor4d(values, shape);
      return this.#plan ? this.#plan.run(x) : this.#model.predict(x) as tf.Tensor;
    });
    try {
      return this.viewMean(await output.data() as Float32Array, faces.length, views);
    } finally {
      output.dispose();
    }
  }

  /** The folded plan the model runs, or `undefined` when it runs `model.predict`. */
  get plan(): InferencePlan | undefined {
    return this.#plan;
  }

  /**
   * The batch {@link probabilities} runs for `faces`: its pixel values and NHWC shape (with
   * `tta: "flip"` and an untied model, the originals then their mirror images) and the views per
   * face.
   */
  batchInput(
    faces: readonly Uint8Array[],
    options: ClassifyOptions = {},
  ): { values: Float32Array; shape: [number, number, number, number]; views: number } {
    const views = viewsPerFace(options.tta ?? "none", this.metadata.mirrorSymmetric);
    // The originals come first, so a face of the wrong size is reported under its own index.
    const values = packFaceInput(
      views === 1 ? faces : [...faces, ...faces.map((f) => mirrorFace(f, this.metadata.input))],
      this.metadata.input,
    );
    const { width, height, channels } = this.metadata.input;
    return { values, shape: [faces.length * views, height, width, channels], views };
  }

  /** Per-face probabilities from the model's output on a {@link batchInput} batch. */
  viewMean(output: Float32Array, faces: number, views: number): Float32Array {
    return views === 1 ? output : averageViews(output, faces, this.labels.length, views);
  }

  /** Runs one batch of `batchSize` blank faces so the first real request does not pay for set-up. */
  async warmUp(batchSize = 1): Promise<void> {
    await this.classify(Array.from({ length: batchSize }, () => new Uint8Array(this.faceBytes)));
  }

  /** Frees the model's weights; the classifier must not be used afterwards. */
  dispose(): void {
    this.#plan?.dispose();
    this.#model.dispose();
  }
}
