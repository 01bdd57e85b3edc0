/**
 * A model set as one classifier (see `src/model/set.ts`): every member classifies the faces with
 * its own views, pixel scaling and mirror tie, their probabilities are averaged with the members'
 * weights, and the set's temperature rescales the mean. Uses no Deno APIs; loading from disk
 * lives in `load.ts`. The page has the same mean in `static/js/browser_model.js`.
 *
 * @module
 */
import type { FerSetMetadata } from "../model/set.ts";
import type { ClassifyOptions, FaceClassifier, FerClassifier } from "./classifier.ts";
import { type FaceScores, toFaceScores } from "./postprocess.ts";
import { applyTemperature, isTemperature } from "./temperature.ts";

/**
 * The weighted mean of equally sized probability matrices: `Σ wᵢ·partᵢ / Σ wᵢ`, element-wise.
 * Rows that each sum to 1 give rows that sum to 1.
 *
 * ```ts
 * weightedMeanProbabilities([[0.8, 0.2], [0.4, 0.6]], [3, 1]); // [0.7, 0.3]
 * ```
 *
 * @throws {RangeError} when the parts differ in length, there are none, or a weight is not a
 *   finite number > 0.
 */
export function weightedMeanProbabilities(
  parts: readonly ArrayLike<number>[],
  weights: readonly number[],
): Float32Array {
  if (parts.length === 0 || parts.length !== weights.length) {
    throw new RangeError(`${parts.length} probability matrices for ${weights.length} weights`);
  }
  if (!weights.every((w) => Number.isFinite(w) && w > 0)) {
    throw new RangeError(`weights must be finite numbers > 0, got ${weights.join(", ")}`);
  }
  const length = parts[0].length;
  if (!parts.every((p) => p.length === length)) {
    throw new RangeError(`probability matrices of ${parts.map((p) => p.length).join(" vs ")}`);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const sum = new Float64Array(length);
  parts.forEach((part, m) => {
    const w = weights[m] / total;
    for (let i = 0; i < length; i++) sum[i] += w * part[i];
  });
  return Float32Array.from(sum);
}

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
          `model set "${metadata.name}": member "${m.path}" has labels (${
            m.classifier.labels.join(", ")
          }) but the set has (${metadata.labels.join(", ")})`,
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
  }

  /** The weighted mean of the members' probabilities (views averaged per member, no temperature). */
  async probabilities(
    faces: readonly Uint8Array[],
    options: ClassifyOptions = {},
  ): Promise<Float32Array> {
    const parts: Float32Array[] = [];
    // One after another: inference is synchronous wasm on one thread, so nothing runs in parallel.
    for (const m of this.members) parts.push(await m.classifier.probabilities(faces, options));
    return weightedMeanProbabilities(parts, this.members.map((m) => m.weight));
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
