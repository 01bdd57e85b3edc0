/**
 * Where a run's training targets come from, besides each image's own label: one interface,
 * {@link TargetSource}, that the loop owns and the sources under `training/targets/` implement
 * (FER+ vote distributions, a teacher's cached scores, scores of transformed copies, the online
 * teacher). The loop asks a {@link TargetList} for them at three points: the training images it
 * walks (copies instead of the split, for teacher views), each image's targets once before the
 * first step, and each batch's targets as it is drawn.
 *
 * A run takes at most one source per {@link TargetSlot}; the list checks that when it is made, so
 * a run can no longer be handed, say, cached teacher scores and an online teacher together.
 *
 * ```ts
 * const targets = new TargetList([cachedTeacher(scores, config.teacherWeight)]);
 * await runTraining(config, { train, val, labels, targets });
 * ```
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { PreparedSplit } from "../data/cache.ts";
import type { AugmentConfig } from "../config.ts";

/**
 * What a source stands for. `labels`: targets that replace the one-hot labels (FER+ votes);
 * `teacher`: a teacher's answers mixed into them (cached scores, on copies or not, or online).
 */
export type TargetSlot = "labels" | "teacher";

/** Order the slots apply in: what replaces the labels first, then what mixes into them. */
const SLOT_ORDER: readonly TargetSlot[] = ["labels", "teacher"];

/** Per-image targets of a split and the hard labels accuracy is measured against. */
export interface ImageTargets {
  /** `count * classes` target distributions. */
  targets: Float32Array;
  /** One label per image. */
  labels: Uint8Array;
}

/**
 * Images the run trains on instead of its training split: `perImage` transformed copies of each
 * image, view-major (copy `v` of image `i` is image `v * N + i`), and how an epoch visits them.
 */
export interface TrainingViews {
  /** The copies, `perImage * N` images. */
  split: PreparedSplit;
  /** Copies per image. */
  perImage: number;
  /** Indices into `split` for an epoch that visits the images in `order` (`0..N-1`). */
  order(order: Uint32Array, epoch: number): Uint32Array;
  /** The student's own augmentation on top of the copies. */
  augment(augment: AugmentConfig): AugmentConfig;
}

/** One source of training targets. Implement the stages it takes part in. */
export interface TargetSource {
  /** What it is, for logs and errors ("FER+ votes", "teacher scores", "online teacher"). */
  readonly name: string;
  /** Which slot it fills; a {@link TargetList} takes one source per slot. */
  readonly slot: TargetSlot;
  /** Copies to train on instead of the training split, when the source is defined on them. */
  readonly views?: TrainingViews;
  /**
   * The targets of every image of the training (`part` "train") or validation ("val") split,
   * given those before this source: the labels, one-hot and smoothed, or an earlier slot's.
   * Called once before the first step.
   */
  imageTargets?(before: ImageTargets, part: "train" | "val"): ImageTargets;
  /**
   * A batch's targets given those drawn from the per-image targets, and its model inputs (after
   * augmentation): called every step. Returns a new tensor (the loop disposes both) or `before`.
   */
  batchTargets?(before: tf.Tensor2D, inputs: tf.Tensor[]): tf.Tensor2D;
}

/** The target sources of one run, checked when made: at most one source per slot. */
export class TargetList {
  /** The sources, in the order they apply (by slot). */
  readonly sources: readonly TargetSource[];

  /** Throws when two sources fill the same slot. */
  constructor(sources: readonly TargetSource[] = []) {
    for (const slot of SLOT_ORDER) {
      const taken = sources.filter((s) => s.slot === slot);
      if (taken.length > 1) {
        throw new Error(
          `a run takes one ${slot} source, got ${taken.map((s) => s.name).join(" and ")}`,
        );
      }
    }
    this.sources = SLOT_ORDER.flatMap((slot) => sources.filter((s) => s.slot === slot));
  }

  /** The copies the run trains on, if a source brings them. */
  get views(): TrainingViews | undefined {
    return this.sources.find((s) => s.views)?.views;
  }

  /** The sources' names, for the log. */
  describe(): string {
    return this.sources.length ? this.sources.map((s) => s.name).join(" + ") : "labels";
  }

  /** `start` after every source's {@link TargetSource.imageTargets}, in slot order. */
  imageTargets(start: ImageTargets, part: "train" | "val"): ImageTargets {
    return this.sources.reduce((t, s) => s.imageTargets?.(t, part) ?? t, start);
  }

  /** `start` after every source's {@link TargetSource.batchTargets}; intermediates disposed. */
  batchTargets(start: tf.Tensor2D, inputs: tf.Tensor[]): tf.Tensor2D {
    let targets = start;
    for (const source of this.sources) {
      if (!source.batchTargets) continue;
      const next = source.batchTargets(targets, inputs);
      if (targets !== start && next !== targets) targets.dispose();
      targets = next;
    }
    return targets;
  }
}
