/**
 * `deno task train`: trains a model on prepared FER2013 data (Training minus the held-out Selection
 * split), selects the best epoch on Selection, reports PublicTest once and exports it quantized.
 * The flags are `cli_config.ts`'s (docs/training.md lists them), the targets `targets/run_targets.ts`'s
 * and the loop `loop/loop.ts`.
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
import { runTargets } from "../targets/run_targets.ts";
import { checkInitFrom } from "../loop/init_weights.ts";
import { readRunData } from "../train_data.ts";
import { recordSelection, resumeSelection } from "../selection_run.ts";
import { runMain } from "../../term/run_main.ts";
import { stopOnSignals } from "../../term/stop_signals.ts";

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
  const sources = await runTargets(config, data, { runDir });
  for (const note of sources.notes) console.error(note);
  const stop = stopOnSignals("this batch");
  const result = await runTraining(config, {
    train: train.split,
    val: val.split,
    valName: val.name,
    labels,
    runDir,
    targets: sources.targets,
    resume: flags.resume,
    signal: stop.signal,
    workers: flags.workers,
    keepEpochs: flags.keepEpochs,
  });
  stop.release();
  sources.dispose();
  if (result.interrupted) return 130;
  console.error(
    `best ${val.name} accuracy ${(result.best.valAccuracy * 100).toFixed(2)}% ` +
      `at epoch ${result.best.epoch}`,
  );
  if (!selection && result.best.epoch !== config.epochs) {
    // Without a Selection split the epoch is chosen on the split the export is reported on.
    console.error(
      `note: the export is epoch ${result.best.epoch}, chosen on ${val.name}, so its ` +
        `${report.name} figure is optimistic; for a run fixed at its last epoch: ` +
        `deno task export --run ${runDir} --to DIR --latest`,
    );
  }
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
