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
    if (config.teacherRows === "fer2013") {
      keepRows = data.trainPhotoRows;
      if (!keepRows) {
        throw new Error(
          "teacherRows fer2013 needs data with photo crops (deno task prepare:photos)",
        );
      }
      const photos = keepRows.reduce((sum, v) => sum + v, 0);
      notes.push(
        `teacher on the ${train.split.count - photos} FER2013 rows; ` +
          `${photos} photo rows keep their labels`,
      );
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
