/**
 * The target sources a training config asks for, built in one place (`deno task train` and
 * whoever trains like it): FER+ vote distributions (`labels: "ferplus"`), a teacher's cached
 * scores, on transformed copies of the images (`teacherViews`) or not, with FER+ votes mixed in
 * (`ferplusWeight`), or the teacher scoring every batch online (`teacherOnline`). The config's
 * validation (`config.ts`) already refuses the combinations that make no sense; the
 * {@link TargetList} checks once more that a run gets one source per slot.
 *
 * @module
 */
import type { TrainConfig } from "../config.ts";
import type { RunData } from "../train_data.ts";
import { TargetList, type TargetSource } from "../loop/targets.ts";
import { ferPlusTargets } from "./ferplus.ts";
import { cachedTeacher, teacherScores } from "./distill.ts";
import { takeRows } from "../selection.ts";
import { firstVotes, mixFerPlusVotes } from "./ferplus_mix.ts";
import { augmentedViews } from "./teacher_views.ts";
import { OnlineTeacher, type OnlineTta } from "./online_teacher.ts";

/** What {@link runTargets} built. */
export interface RunTargets {
  /** The run's sources, for `RunOptions.targets`. */
  targets: TargetList;
  /** Lines for the log: what went into the targets. */
  notes: string[];
  /** Frees what the sources hold (an online teacher's weights); call after training. */
  dispose(): void;
}

/** Options of {@link runTargets}. */
export interface RunTargetsOptions {
  /** Run folder the teacher's scores are cached in (and read back from on resume). */
  runDir?: string;
  /** Show the teacher's progress bar (default true). */
  progress?: boolean;
}

/** `scores` with row `rows[j]` replaced by row `j` of `replacement`, as a new array. */
export function replaceRows(
  scores: Float32Array,
  replacement: Float32Array,
  rows: readonly number[],
): Float32Array {
  const classes = replacement.length / Math.max(1, rows.length);
  if (!Number.isInteger(classes)) {
    throw new Error(`${replacement.length} scores do not split into ${rows.length} rows`);
  }
  const out = scores.slice();
  rows.forEach((row, j) =>
    out.set(replacement.subarray(j * classes, (j + 1) * classes), row * classes)
  );
  return out;
}

/** Builds the sources `config` asks for over the run's data (`readRunData`). */
export async function runTargets(
  config: TrainConfig,
  data: RunData,
  options: RunTargetsOptions = {},
): Promise<RunTargets> {
  const { train, val, labels } = data;
  const sources: TargetSource[] = [];
  const notes: string[] = [];
  let online: OnlineTeacher | undefined;
  if (train.softTargets) sources.push(ferPlusTargets(train.softTargets, val.softTargets!));
  const teacherDirs = config.teacher?.split(",");
  const student = { labels, features: config.features };
  if (teacherDirs && config.teacherOnline) {
    online = await OnlineTeacher.load(teacherDirs, {
      ...student,
      tta: config.teacherTta as OnlineTta,
    });
    sources.push(online.targetSource(config.teacherWeight));
  } else if (teacherDirs) {
    const views = config.teacherViews
      ? augmentedViews(train.split, config.teacherViews, config.augment, config.seed)
      : undefined;
    let scores = await teacherScores(teacherDirs, views?.split ?? train.split, {
      ...student,
      tta: config.teacherTta,
      runDir: options.runDir,
      views: views?.identity,
      progress: options.progress,
    });
    if (config.ferplusWeight > 0) {
      const votes = firstVotes(data.trainVotes!, train.split.count);
      const mixed = mixFerPlusVotes(scores, votes, config.ferplusWeight);
      notes.push(
        `FER+ votes: ${(config.ferplusWeight * 100).toFixed(0)}% of the teacher's scores on ` +
          `${mixed.mixed} of ${train.split.count} Training images`,
      );
      scores = mixed.scores;
    }
    let keepRows: Uint8Array | undefined;
    if (config.teacherRows === "fer2013" || config.photoTeacher) {
      const mask = data.trainPhotoRows;
      if (!mask) {
        const flag = config.photoTeacher ? "photoTeacher" : "teacherRows fer2013";
        throw new Error(`${flag} needs data with photo crops (deno task prepare:photos)`);
      }
      const rows = [...mask.keys()].filter((row) => mask[row]);
      if (config.photoTeacher) {
        const photoScores = await teacherScores(
          config.photoTeacher.split(","),
          takeRows(train.split, rows),
          {
            ...student,
            tta: config.teacherTta,
            runDir: options.runDir,
            progress: options.progress,
            cacheName: "photo-teacher-scores",
          },
        );
        scores = replaceRows(scores, photoScores, rows);
        notes.push(
          `teacher on the ${train.split.count - rows.length} FER2013 rows; ` +
            `${rows.length} photo rows taught by ${config.photoTeacher}`,
        );
      } else {
        keepRows = mask;
        notes.push(
          `teacher on the ${train.split.count - rows.length} FER2013 rows; ` +
            `${rows.length} photo rows keep their labels`,
        );
      }
    }
    sources.push(cachedTeacher(scores, config.teacherWeight, views, keepRows));
  }
  try {
    return { targets: new TargetList(sources), notes, dispose: () => online?.dispose() };
  } catch (error) {
    online?.dispose();
    throw error;
  }
}
