/**
 * `deno task train`: trains a model on prepared FER2013 data (Training minus the held-out Selection
 * split), selects the best epoch on Selection, reports PublicTest once and exports it quantized (see README "deno task train" for every flag).
 *
 * @module
 */
import { join } from "node:path";
import { readManifest } from "./data/cache.ts";
import { parseTrainArgs } from "./cli_config.ts";
import { setupTrainingBackend } from "./backend.ts";
import { toTrainData } from "./dataset.ts";
import { runTraining } from "./run.ts";
import { exportModel } from "./export.ts";
import { teacherScores } from "./distill.ts";
import { firstVotes, mixFerPlusVotes } from "./ferplus_mix.ts";
import { augmentedViews } from "./teacher_views.ts";
import { OnlineTeacher, type OnlineTta } from "./online_teacher.ts";
import { checkInitFrom } from "./init_weights.ts";
import { readRunData } from "./train_data.ts";
import { recordSelection, resumeSelection } from "./selection_run.ts";
import { runMain } from "../term/run_main.ts";

const HELP = `deno task train [flags]

  --model a|b|default     model family (default: default)
  --config FILE           JSON with any TrainConfig fields (flags override it)
  --data DIR              prepared data (default data/prepared)
  --run-dir DIR           run folder: checkpoint/, best/, history.json, curves.svg, export/
  --resume                continue the run in --run-dir from its last checkpoint
  --export-to DIR         also export the final model there (e.g. models/default)
  --epochs N --batch-size N --lr X --optimizer momentum|adam|rmsprop|adagrad|adadelta|sgd
  --optimizer-param X --schedule exponential|step|cosine|plateau|constant --lr-decay X
  --decay-step N --warmup-epochs N --label-smoothing X --keep-prob X --patience N
  --restart-at N          cosine warm restart: from epoch N the rate starts again at --lr
  --init-from DIR         start from an exported model's weights (same architecture)
  --teacher DIR[,DIR]     distil from exported models: their (mean) scores on Training join the targets
  --teacher-weight X      share of the teacher's scores in each target (default 0.5)
  --teacher-tta MODE      none | flip | tencrop views the teacher averages (default flip)
  --teacher-views K       score K transformed copies of each image once and train on them with
                          their own scores (consistent distillation; default 0 = clean images)
  --teacher-online        score every augmented batch with the teachers inside the training step
                          (their answer for the view the student sees; slower per step)
  --ferplus-weight X      with --ferplus PATH and a teacher: share of the teacher's scores replaced
                          by each Training image's FER+ votes over the 7 classes (default 0)
  --features landmarks,hog|hogWindows  --bn-conv/--no-bn-conv  --bn-dense/--no-bn-dense
  --mirror-symmetric      tie the weights so a face and its mirror image score the same (default model)
  --stage-channels A,B,C,D  channels of the default model's four stages (default 16,32,64,128)
  --no-selection          train on all of Training and choose epochs on PublicTest (as runs did
                          before the Selection split; a resumed run keeps the split it started with)
  --selection-fraction X --selection-seed N
                          the Selection split held out of Training (default 0.1, seed 2013)
  --no-augment --width X --limit N --seed N --quantization uint8|float16|none
  --erase P               random erasing: with probability P a noise rectangle (2-25% of the face)
                          covers part of each training image (default 0 = off)
  --photo P               photo-path degradation: with probability P an image gets a random mix of
                          low resolution, blur, tone change, noise and JPEG artefacts (default 0)
  --workers 1|2           2 = data-parallel on two cores (faster; 1 is bit-reproducible)
  --keep-epochs           keep every epoch's weights in RUN/epochs/ (for deno task average)
  --dry-run               print the resolved config and exit
`;

async function main(args: string[]): Promise<number> {
  const parsed = await parseTrainArgs(args);
  const flags = parsed.flags;
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
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
