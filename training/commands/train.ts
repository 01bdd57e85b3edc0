/**
 * `deno task train`: trains a model on prepared FER2013 data (Training minus the held-out Selection
 * split), selects the best epoch on Selection, reports PublicTest once and exports it quantized (see README "deno task train" for every flag).
 *
 * @module
 */
import { join } from "node:path";
import { readManifest } from "../data/cache.ts";
import { parseTrainArgs } from "../cli_config.ts";
import { setupTrainingBackend } from "../backend.ts";
import { toTrainData } from "../dataset.ts";
import { runTraining } from "../loop/loop.ts";
import { exportModel } from "../export.ts";
import { teacherScores } from "../targets/distill.ts";
import { firstVotes, mixFerPlusVotes } from "../targets/ferplus_mix.ts";
import { augmentedViews } from "../targets/teacher_views.ts";
import { OnlineTeacher, type OnlineTta } from "../targets/online_teacher.ts";
import { checkInitFrom } from "../loop/init_weights.ts";
import { readRunData } from "../train_data.ts";
import { recordSelection, resumeSelection } from "../selection_run.ts";
import { runMain } from "../../term/run_main.ts";

async function main(args: string[]): Promise<number> {
  const parsed = await parseTrainArgs(args);
  const flags = parsed.flags;
  const config = await resumeSelection(
    parsed.config,
    flags.runDir,
    flags.resume,
    flags.selectionGiven,
  );
  if (flags.dryRun) {
    console.log(JSON.stringify(config, null, 2));
    return 0;
  }
  const manifest = await readManifest(config.data).catch(() => {
    throw new Error(
      `no prepared data in ${config.data}; run \`deno task prepare --csv fer2013.csv\` first`,
    );
  });
  const backend = await setupTrainingBackend();
  const runDir = flags.runDir ??
    join("runs", `${config.model}-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  console.error(`backend ${backend}; run folder ${runDir}`);
  const data = await readRunData(config, manifest.labels);
  const { train, val, report, labels, selection } = data;
  if (data.ferplusDropped) {
    const d = data.ferplusDropped;
    console.error(
      `FER+: dropped ${d.train} ${train.name}, ${d.val} ${val.name}` +
        (report === val ? "" : ` and ${d.report} ${report.name}`) + " images",
    );
  }
  if (selection) {
    console.error(
      `Selection: ${selection.count} of ${selection.of} Training images held out ` +
        `(fraction ${selection.fraction}, seed ${selection.seed}, sha256 ${
          selection.sha256.slice(0, 12)
        }); epochs are chosen on it, ${report.name} is read once at the end`,
    );
    await recordSelection(runDir, selection);
  }
  if (config.initFrom) await checkInitFrom(config.initFrom);
  const views = config.teacherViews
    ? augmentedViews(train.split, config.teacherViews, config.augment, config.seed)
    : undefined;
  const teacherDirs = config.teacher?.split(",");
  const onlineTeacher = teacherDirs && config.teacherOnline
    ? await OnlineTeacher.load(teacherDirs, {
      labels,
      features: config.features,
      tta: config.teacherTta as OnlineTta,
    })
    : undefined;
  let teacher = teacherDirs && !onlineTeacher
    ? await teacherScores(teacherDirs, views?.split ?? train.split, {
      labels,
      features: config.features,
      tta: config.teacherTta,
      runDir,
      views: views?.identity,
    })
    : undefined;
  if (teacher && config.ferplusWeight > 0) {
    const votes = firstVotes(data.trainVotes!, train.split.count);
    const mixed = mixFerPlusVotes(teacher, votes, config.ferplusWeight);
    console.error(
      `FER+ votes: ${(config.ferplusWeight * 100).toFixed(0)}% of the teacher's scores on ` +
        `${mixed.mixed} of ${train.split.count} Training images`,
    );
    teacher = mixed.scores;
  }
  const controller = new AbortController();
  let interrupts = 0;
  const onInterrupt = () => {
    console.error("\nstopping after this batch (Ctrl-C again to abort without saving)...");
    if (++interrupts > 1) Deno.exit(130);
    controller.abort();
  };
  // SIGTERM (a session ending, `experiments --full` passing a stop on) always stops cleanly,
  // also after a Ctrl-C: only a second Ctrl-C gives up the checkpoint.
  const onTerminate = () => {
    console.error("\nSIGTERM: stopping after this batch...");
    controller.abort();
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  Deno.addSignalListener("SIGTERM", onTerminate);
  const result = await runTraining(config, {
    train: views?.split ?? train.split,
    viewsPerImage: views?.views,
    val: val.split,
    valName: val.name,
    labels,
    runDir,
    softTargets: train.softTargets && { train: train.softTargets, val: val.softTargets! },
    teacherScores: teacher,
    onlineTeacher,
    resume: flags.resume,
    signal: controller.signal,
    workers: flags.workers,
    keepEpochs: flags.keepEpochs,
  });
  Deno.removeSignalListener("SIGINT", onInterrupt);
  Deno.removeSignalListener("SIGTERM", onTerminate);
  onlineTeacher?.dispose();
  if (result.interrupted) return 130;
  console.error(
    `best ${val.name} accuracy ${(result.best.valAccuracy * 100).toFixed(2)}% ` +
      `at epoch ${result.best.epoch}`,
  );
  // The report split is read here, once, for the exported model's figures.
  const { data: reportData } = toTrainData(report.split, {
    classes: labels.length,
    softTargets: report.softTargets,
    features: config.features,
    labelSmoothing: 0,
    stats: result.featureStats,
  });
  const features = config.features.map((name) => ({ name, length: manifest.features[name] ?? 0 }));
  for (const dir of [join(runDir, "export"), flags.exportTo].filter(Boolean) as string[]) {
    const exported = await exportModel(result.model, {
      dir,
      config,
      labels,
      val: reportData,
      valName: report.name,
      selection,
      features,
      dataSha256: manifest.source.sha256,
      // The exported weights are the best epoch's, not the last one's.
      epochs: result.best.epoch,
      runDir,
    });
    console.error(
      `exported ${dir}: ${(exported.sizeBytes / 1024).toFixed(0)} KiB ${config.quantization}, ` +
        `${report.name} float ${(exported.float.accuracy * 100).toFixed(2)}% -> ` +
        `quantized ${(exported.quantized.accuracy * 100).toFixed(2)}%`,
    );
  }
  return 0;
}

if (import.meta.main) await runMain("train", main);
