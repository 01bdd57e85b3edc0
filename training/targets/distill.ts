/**
 * Knowledge distillation: a trained model (the teacher) scores every Training image, averaged over
 * test-time augmented views, and those scores become part of the student's targets
 * (`TrainConfig.teacherWeight`). Averaging views is what makes a teacher worth distilling from: the
 * student learns in one forward pass what the teacher needed several for. The scores are cached in
 * the run folder so that a resumed run mixes in exactly the same ones.
 *
 * @module
 */
import { join, resolve } from "node:path";
import type { PreparedSplit } from "../data/cache.ts";
import { loadLayersModelDir, readModelMetadata } from "../../src/model/io.ts";
import { ProgressBar } from "../../term/progress.ts";
import type { FerModelMetadata } from "../../src/model/metadata.ts";
import { toTrainData } from "../dataset.ts";
import { predictScores, type Tta } from "../predict_batches.ts";
import { PIXEL_SCALE } from "../../src/face.ts";
import type { TargetSource, TrainingViews } from "../loop/targets.ts";

/**
 * `(1 - weight) * targets + weight * teacher`, element-wise, as a new array. With `keepRows`,
 * the images whose entry is 1 keep their own targets (the teacher only speaks for the rest).
 */
export function mixTargets(
  targets: Float32Array,
  teacher: Float32Array,
  weight: number,
  keepRows?: Uint8Array,
): Float32Array {
  if (teacher.length !== targets.length) {
    throw new Error(`teacher scores have ${teacher.length} values, targets ${targets.length}`);
  }
  const classes = keepRows ? targets.length / keepRows.length : 1;
  if (!Number.isInteger(classes)) {
    throw new Error(`${targets.length} target values do not split into ${keepRows!.length} rows`);
  }
  const mixed = new Float32Array(targets.length);
  for (let i = 0; i < mixed.length; i++) {
    const w = keepRows?.[Math.floor(i / classes)] ? 0 : weight;
    mixed[i] = (1 - w) * targets[i] + w * teacher[i];
  }
  return mixed;
}

/**
 * A teacher's scores on every training image (`count * classes`, from {@link teacherScores},
 * perhaps with FER+ votes mixed in, `ferplus_mix.ts`) as a target source: each training target
 * becomes `(1 - weight) * target + weight * score`; validation targets stay the labels. With
 * `views` the scores are of those copies (`teacher_views.ts`), and the run trains on them. With
 * `keepRows` (one entry per training image), the images marked 1 keep their own targets.
 */
export function cachedTeacher(
  scores: Float32Array,
  weight: number,
  views?: TrainingViews,
  keepRows?: Uint8Array,
): TargetSource {
  if (views && keepRows) throw new Error("keepRows works on clean images, not teacher views");
  if (views && scores.length % views.split.count !== 0) {
    throw new Error(
      `teacher scores have ${scores.length} values for ${views.split.count} copies of the images`,
    );
  }
  return {
    name: views ? `teacher scores on ${views.perImage} views of each image` : "teacher scores",
    slot: "teacher",
    views,
    imageTargets: (before, part) =>
      part === "train"
        ? { targets: mixTargets(before.targets, scores, weight, keepRows), labels: before.labels }
        : before,
  };
}

/** File name stem of a run's cached teacher scores. */
const TEACHER_SCORES_STEM = "teacher-scores";
/** Cached scores (`count * classes` float32) inside a run folder. */
export const TEACHER_SCORES_FILE = `${TEACHER_SCORES_STEM}.f32`;
/** What the cached scores were computed from, beside {@link TEACHER_SCORES_FILE}. */
export const TEACHER_SCORES_INFO_FILE = `${TEACHER_SCORES_STEM}.json`;

/** Identity of a set of teacher scores: the cache is reused only when all of it matches. */
interface TeacherScoresInfo {
  teacher: string;
  exportedAt: string;
  tta: Tta;
  split: string;
  count: number;
  labels: string[];
  /** How the images were drawn when they are transformed copies (`teacher_views.ts`). */
  views?: string;
}

/** Options of {@link teacherScores}. */
export interface TeacherScoresOptions {
  /** The student's class names, in order; the teacher must have the same ones. */
  labels: string[];
  /** The student's feature inputs; the teacher must take the same ones. */
  features: string[];
  /** Views averaged per image. */
  tta: Tta;
  /** Run folder to cache the scores in (and read them back from on resume). */
  runDir?: string;
  /** Show a progress bar (default true). */
  progress?: boolean;
  /** The split's images are transformed copies drawn like this (part of the cache's identity). */
  views?: string;
  /**
   * File name stem of the cache in `runDir` (default `teacher-scores`), so that a second teacher
   * of the same run (the photo rows' one) keeps its own.
   */
  cacheName?: string;
}

/**
 * Scores (`split.count * labels.length`) on every image of `split` of the model in `teacherDirs`,
 * or of the mean of several models (an ensemble teacher: `--teacher A,B`). Throws when a teacher's
 * labels or feature inputs differ from the student's.
 */
export async function teacherScores(
  teacherDirs: string | readonly string[],
  split: PreparedSplit,
  options: TeacherScoresOptions,
): Promise<Float32Array> {
  const dirs = typeof teacherDirs === "string" ? [teacherDirs] : [...teacherDirs];
  if (!dirs.length) throw new Error("teacherScores needs at least one teacher folder");
  // Metadata first: a resumed run finds its cached scores without loading the teachers' weights.
  const metadata = await Promise.all(dirs.map(readModelMetadata));
  metadata.forEach((meta, i) => checkTeacher(dirs[i], meta, options));
  const info: TeacherScoresInfo = {
    // One teacher keeps the single-path form, so caches written before ensembles stay valid.
    teacher: dirs.map((dir) => resolve(dir)).join(","),
    exportedAt: metadata.map((meta) => meta.exportedAt).join(","),
    tta: options.tta,
    split: split.split,
    count: split.count,
    labels: options.labels,
    views: options.views,
  };
  const cacheName = options.cacheName ?? TEACHER_SCORES_STEM;
  const cached = options.runDir ? await readCache(options.runDir, cacheName, info) : undefined;
  if (cached) return cached;
  const { data } = toTrainData(split, {
    classes: options.labels.length,
    features: options.features,
    labelSmoothing: 0,
  });
  const bar = options.progress === false ? undefined : new ProgressBar({
    total: split.count * dirs.length,
    label: `teacher${dirs.length > 1 ? `s x${dirs.length}` : ""} (${options.tta})`,
    unit: "img",
  });
  const scores = new Float32Array(split.count * options.labels.length);
  for (const [i, dir] of dirs.entries()) {
    const scale = metadata[i].input.scale ?? PIXEL_SCALE;
    // A mirror-tied teacher scores a face and its mirror image the same: its flip view would
    // only repeat the work.
    const tta = options.tta === "flip" && metadata[i].mirrorSymmetric ? "none" : options.tta;
    const model = await loadLayersModelDir(dir);
    try {
      const own = predictScores(
        model,
        data,
        scale,
        256,
        tta,
        (done) => bar?.update(i * split.count + done),
      );
      for (let k = 0; k < scores.length; k++) scores[k] += own[k] / dirs.length;
    } finally {
      model.dispose();
    }
  }
  bar?.done();
  if (options.runDir) await writeCache(options.runDir, cacheName, info, scores);
  return scores;
}

/**
 * Throws when the teacher in `dir` predicts other classes or takes other feature inputs than the
 * student (`student.labels`, `student.features`).
 */
export function checkTeacher(
  dir: string,
  metadata: FerModelMetadata,
  student: { labels: readonly string[]; features: readonly string[] },
) {
  if (metadata.labels.join() !== student.labels.join()) {
    throw new Error(
      `teacher ${dir} predicts [${metadata.labels}], the run trains [${student.labels}]`,
    );
  }
  const teacherFeatures = metadata.features.map((f) => f.name);
  if (teacherFeatures.join() !== student.features.join()) {
    throw new Error(
      `teacher ${dir} takes features [${teacherFeatures}], the run [${student.features}]`,
    );
  }
}

async function readCache(
  runDir: string,
  stem: string,
  info: TeacherScoresInfo,
): Promise<Float32Array | undefined> {
  try {
    const stored = await Deno.readTextFile(join(runDir, `${stem}.json`));
    if (stored.trim() !== JSON.stringify(info)) return undefined;
    const bytes = await Deno.readFile(join(runDir, `${stem}.f32`));
    const scores = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    return scores.length === info.count * info.labels.length ? scores.slice() : undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

async function writeCache(
  runDir: string,
  stem: string,
  info: TeacherScoresInfo,
  scores: Float32Array,
): Promise<void> {
  await Deno.mkdir(runDir, { recursive: true });
  await Deno.writeFile(
    join(runDir, `${stem}.f32`),
    new Uint8Array(scores.buffer, scores.byteOffset, scores.byteLength),
  );
  await Deno.writeTextFile(join(runDir, `${stem}.json`), JSON.stringify(info) + "\n");
}
