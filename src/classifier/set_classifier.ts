/**
 * A model set as one classifier (see `src/model/set.ts`): every member classifies the faces with
 * its own views, pixel scaling and mirror tie, their probabilities are averaged with the members'
 * weights, and the set's temperature rescales the mean. Uses no Deno APIs; loading from disk
 * lives in `load.ts`. The mean is the page's own function, from `static/js/scores.js`.
 *
 * @module
 */
import type { FerSetMetadata } from "../model/set.ts";
import type { ClassifyOptions, FaceClassifier, FerClassifier } from "./classifier.ts";
import { type FaceScores, toFaceScores } from "./postprocess.ts";
import { applyTemperature, isTemperature } from "./temperature.ts";
import { weightedMeanProbabilities } from "../../static/js/scores.js";

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
