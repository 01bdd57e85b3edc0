/**
 * A model set as one classifier (see `src/model/set.ts`): every member classifies the faces with
 * its own views, pixel scaling and mirror tie, their probabilities are averaged with the members'
 * weights, and the set's temperature rescales the mean. Members that start with the same layers
 * (one fine-tuned from another with `--freeze-convs`) run those once per batch
 * (`shared_trunk.ts`). Uses no Deno APIs; loading from disk lives in `load.ts`. The mean is the
 * page's own function, from `static/js/scores.js`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { FerSetMetadata } from "../model/set.ts";
import type { ClassifyOptions, FaceClassifier, FerClassifier } from "./classifier.ts";
import { type FaceScores, toFaceScores } from "./postprocess.ts";
import { applyTemperature, isTemperature } from "./temperature.ts";
import { weightedMeanProbabilities } from "../../static/js/scores.js";
import { runWithSharedTrunk, sharedStepCount } from "./shared_trunk.ts";

/** The weighted mean of equally sized probability matrices: the page's own function. */
export { weightedMeanProbabilities };

/** One loaded member of a {@link FerSetClassifier}. */
export interface SetMember {
  /** Its subfolder in the set. */
  path: string;
  /** Its share of the mean (normalised: the members' weights sum to 1). */
  weight: number;
  /** Its folder, for versions and sizes. */
  dir: string | URL;
  /** The member's classifier (its own temperature is not used: the set's applies to the mean). */
  classifier: FerClassifier;
}

/** A model set that classifies face crops like one model. */
export class FerSetClassifier implements FaceClassifier {
  /** The set's `fer-model.json`. */
  readonly metadata: FerSetMetadata;
  /** The members, in `fer-model.json`'s order. */
  readonly members: readonly SetMember[];
  /** Class names in output order (every member's). */
  readonly labels: readonly string[];
  /** Bytes one face crop must have (every member's). */
  readonly faceBytes: number;
  /** `folded` when every member runs its folded plan, else `layers`. */
  readonly inference: "folded" | "layers";
  /** Temperature applied to the weighted mean (fer-model.json's, 1 when absent). */
  readonly temperature: number;
  /**
   * Leading inference steps every member computes identically, run once per batch (0: each
   * member runs whole). Needs folded plans and the same input scaling and mirror tie.
   */
  readonly sharedSteps: number;

  /**
   * Wraps loaded members; throws when the set's temperature is not usable or the members disagree
   * with the set on labels or face size (`readModelFolder` checks this already; this guards sets
   * built in code).
   */
  constructor(metadata: FerSetMetadata, members: readonly SetMember[]) {
    if (members.length === 0) throw new Error(`model set "${metadata.name}" has no members`);
    if (metadata.temperature !== undefined && !isTemperature(metadata.temperature)) {
      throw new Error(
        `model set fer-model.json temperature must be a finite number > 0, got ${metadata.temperature}`,
      );
    }
    for (const m of members) {
      if (m.classifier.labels.join("\n") !== metadata.labels.join("\n")) {
        throw new Error(
          `model set "${metadata.name}": member "${m.path}" has ${m.classifier.labels.length} ` +
            `labels (${m.classifier.labels.join(", ")}) but the set has ` +
            `${metadata.labels.length} (${metadata.labels.join(", ")})`,
        );
      }
      if (m.classifier.faceBytes !== members[0].classifier.faceBytes) {
        throw new Error(`model set "${metadata.name}": member "${m.path}" takes another face size`);
      }
    }
    this.metadata = metadata;
    this.members = members;
    this.labels = metadata.labels;
    this.faceBytes = members[0].classifier.faceBytes;
    this.inference = members.every((m) => m.classifier.inference === "folded")
      ? "folded"
      : "layers";
    this.temperature = metadata.temperature ?? 1;
    this.sharedSteps = sharedTrunkOf(members);
  }

  /** The weighted mean of the members' probabilities (views averaged per member, no temperature). */
  async probabilities(
    faces: readonly Uint8Array[],
    options: ClassifyOptions = {},
  ): Promise<Float32Array> {
    const weights = this.members.map((m) => m.weight);
    if (this.sharedSteps > 0 && faces.length > 0) {
      return weightedMeanProbabilities(await this.#sharedProbabilities(faces, options), weights);
    }
    const parts: Float32Array[] = [];
    // One after another: inference is synchronous wasm on one thread, so nothing runs in parallel.
    for (const m of this.members) parts.push(await m.classifier.probabilities(faces, options));
    return weightedMeanProbabilities(parts, weights);
  }

  /** Every member's probabilities, with the shared trunk run once (same inputs for all members). */
  async #sharedProbabilities(
    faces: readonly Uint8Array[],
    options: ClassifyOptions,
  ): Promise<Float32Array[]> {
    const classifiers = this.members.map((m) => m.classifier);
    const first = classifiers[0];
    // Every member packs the same batch (sharedTrunkOf checked their inputs), so the first's serves.
    const { values, shape, views } = first.batchInput(faces, options);
    const plans = classifiers.map((c) => c.plan!);
    const outputs = tf.tidy(() =>
      runWithSharedTrunk(plans, this.sharedSteps, tf.tensor4d(values, shape))
    );
    try {
      const data = await Promise.all(outputs.map((o) => o.data() as Promise<Float32Array>));
      return data.map((d, i) => classifiers[i].viewMean(d, faces.length, views));
    } finally {
      tf.dispose(outputs);
    }
  }

  /** Classifies `faces` with every member; the set's temperature rescales the weighted mean. */
  async classify(
    faces: readonly Uint8Array[],
    options: ClassifyOptions = {},
  ): Promise<FaceScores[]> {
    if (faces.length === 0) return [];
    const mean = await this.probabilities(faces, options);
    const calibrated = this.temperature === 1
      ? mean
      : applyTemperature(mean, this.labels.length, this.temperature);
    return toFaceScores(calibrated, faces.length, this.labels);
  }

  /** Runs one batch of `batchSize` blank faces through every member. */
  async warmUp(batchSize = 1): Promise<void> {
    await this.classify(Array.from({ length: batchSize }, () => new Uint8Array(this.faceBytes)));
  }

  /** Frees every member's weights. */
  dispose(): void {
    for (const m of this.members) m.classifier.dispose();
  }
}

/**
 * The steps the members' plans share (`shared_trunk.ts`), or 0 when some member has no folded
 * plan or its input is packed differently (another pixel scaling, face size or mirror tie).
 */
function sharedTrunkOf(members: readonly SetMember[]): number {
  const classifiers = members.map((m) => m.classifier);
  const input = (c: FerClassifier) =>
    JSON.stringify([c.metadata.input, c.metadata.mirrorSymmetric]);
  if (classifiers.some((c) => !c.plan || input(c) !== input(classifiers[0]))) return 0;
  return sharedStepCount(classifiers.map((c) => c.plan!));
}
