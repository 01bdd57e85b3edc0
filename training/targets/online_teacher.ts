/**
 * Distillation with the teacher inside the training step (`--teacher-online`): every batch, after
 * augmentation, is scored by the teacher models and those scores join the batch's targets. The
 * student then learns the teacher's answer for the very view it is shown (a shifted, rotated,
 * zoomed or erased face), where cached scores (`distill.ts`) give it the clean image's answer; on
 * transformed Training images the two differ in top class for about one image in seven. It costs
 * one teacher forward pass per model and view on every step.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { loadLayersModelDir, readModelMetadata } from "../../src/model/io.ts";
import type { FerModelMetadata } from "../../src/model/metadata.ts";
import { PIXEL_SCALE } from "../../src/face.ts";
import { checkTeacher } from "./distill.ts";
import type { TargetSource } from "../loop/targets.ts";

/** Views an online teacher scores each augmented image with. */
export type OnlineTta = "none" | "flip";

/** Options of {@link OnlineTeacher.load}. */
export interface OnlineTeacherOptions {
  /** The student's class names, in order; every teacher must have the same ones. */
  labels: string[];
  /** The student's feature inputs; every teacher must take the same ones. */
  features: string[];
  /** `flip` also scores each view's mirror image (skipped for mirror-tied teachers). */
  tta: OnlineTta;
}

interface Member {
  model: tf.LayersModel;
  flip: boolean;
}

/** The mean scores of one or more exported models on each training batch, as it is drawn. */
export class OnlineTeacher {
  private constructor(private readonly members: Member[]) {}

  /**
   * Loads the teachers in `dirs`. Throws when one predicts other classes, takes other feature
   * inputs, or scales pixels differently from the student.
   */
  static async load(dirs: readonly string[], options: OnlineTeacherOptions) {
    if (!dirs.length) throw new Error("an online teacher needs at least one model folder");
    const members: Member[] = [];
    try {
      for (const dir of dirs) {
        const metadata = await readModelMetadata(dir);
        checkOnlineTeacher(dir, metadata, options);
        const flip = options.tta === "flip" && !metadata.mirrorSymmetric;
        members.push({ model: await loadLayersModelDir(dir), flip });
      }
    } catch (error) {
      members.forEach((member) => member.model.dispose());
      throw error;
    }
    return new OnlineTeacher(members);
  }

  /** Forward passes per image and step (a flip view counts as one). */
  get passes(): number {
    return this.members.reduce((sum, member) => sum + (member.flip ? 2 : 1), 0);
  }

  /** Mean scores (`batch x classes`) of the teachers on `inputs` (the student's batch inputs). */
  scores(inputs: tf.Tensor[]): tf.Tensor2D {
    return tf.tidy(() => {
      const [images, ...rest] = inputs;
      const memberScores = this.members.map((member) => {
        const own = member.model.predict([images, ...rest]) as tf.Tensor;
        if (!member.flip) return own;
        const mirrored = tf.image.flipLeftRight(images as tf.Tensor4D);
        // The mirror view is half of this member's vote, so every member weighs the same.
        return tf.mul(tf.add(own, member.model.predict([mirrored, ...rest]) as tf.Tensor), 0.5);
      });
      return tf.div(tf.addN(memberScores), memberScores.length) as tf.Tensor2D;
    });
  }

  /** `(1 - weight) * targets + weight * scores(inputs)`, as a new tensor. */
  mixInto(targets: tf.Tensor2D, inputs: tf.Tensor[], weight: number): tf.Tensor2D {
    const teacher = this.scores(inputs);
    const mixed = tf.tidy(() => tf.add(tf.mul(targets, 1 - weight), tf.mul(teacher, weight)));
    teacher.dispose();
    return mixed as tf.Tensor2D;
  }

  /**
   * The teachers as a run's target source: every batch's targets become
   * `(1 - weight) * targets + weight * scores(inputs)` ({@link mixInto}), on the views the student
   * is shown. The teachers stay this object's to free.
   */
  targetSource(weight: number): TargetSource {
    return {
      name: `online teacher x${this.members.length}`,
      slot: "teacher",
      batchTargets: (before, inputs) => this.mixInto(before, inputs, weight),
    };
  }

  /** Frees the teachers' weights. */
  dispose(): void {
    this.members.forEach((member) => member.model.dispose());
  }
}

/** {@link checkTeacher}, and the student's pixel scaling: batches are scored as they are. */
function checkOnlineTeacher(dir: string, metadata: FerModelMetadata, o: OnlineTeacherOptions) {
  checkTeacher(dir, metadata, o);
  const { scale, offset } = metadata.input;
  if (Math.abs(scale - PIXEL_SCALE) > 1e-9 || offset !== 0) {
    throw new Error(
      `teacher ${dir} scales pixels by ${scale} + ${offset}; the student's batches use ${PIXEL_SCALE}`,
    );
  }
}
