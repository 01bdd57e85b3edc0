/**
 * `deno task calibrate`: fits a model's temperature on one split, reports the calibration before
 * and after on another, and stores it in the model's `fer-model.json` (`temperature_fit.ts`).
 *
 * @module
 */
import { join } from "node:path";
import { FER_MODEL_METADATA_FILE } from "../../src/model/metadata.ts";
import { useWasmBackend } from "../../src/backend.ts";
import { scoreModelDir } from "../score.ts";
import { crossFitTemperature } from "../stats/calibration.ts";
import {
  EVAL_SPLITS,
  type EvalSplitName,
  isEvalSplit,
  parseEvalSplit,
  parseTta,
} from "../eval_split.ts";
import { calibrateScores, calibrationAt, writeTemperature } from "../temperature_fit.ts";
import { defineFlags, numberFlag, parseFlags, requireFlag, UsageError } from "../../term/flags.ts";
import { runMain } from "../../term/run_main.ts";

const FLAGS = defineFlags({
  help: `deno task calibrate --model DIR [flags]

  --model DIR        exported model folder, or model set folder (required)
  --split NAME       split to fit the temperature on (default Selection): Selection | Training |
                     PublicTest | PrivateTest
  --report NAME      split to report the calibration on (default PublicTest, or Selection when
                     fitting on PublicTest), or none; never the fit split
  --data DIR         prepared data folder (default data/prepared)
  --csv PATH         read the splits straight from a FER2013 .csv/.csv.gz instead
  --tta MODE         none | flip | tencrop views averaged before the temperature (default none,
                     what the server shows without ?tta=flip)
  --cross-fit N      also fit on random halves of the fit split, N times, and print the ECE of
                     each other half (an honest figure when no other split can judge the fit)
  --no-write         print the fit, leave fer-model.json as it is

Writes temperature and calibration into DIR/fer-model.json. A model trained on all of Training
(no Selection in its fer-model.json) learned the Selection images: a temperature fitted there is
biased towards the over-confidence it has on images it has seen.
`,
  options: {
    model: { type: "string" },
    split: { type: "string", default: "Selection" },
    report: { type: "string" },
    data: { type: "string", default: "data/prepared" },
    csv: { type: "string" },
    tta: { type: "string", default: "none" },
    "no-write": { type: "boolean", default: false },
    "cross-fit": { type: "string" },
  },
});

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  const model = requireFlag("model", values.model);
  const halvings = numberFlag("cross-fit", values["cross-fit"], { integer: true, min: 1 });
  const fitSplit = parseEvalSplit(values.split);
  const reportName = values.report ?? (fitSplit === "PublicTest" ? "Selection" : "PublicTest");
  if (reportName !== "none" && !isEvalSplit(reportName)) {
    throw new UsageError(`--report must be none or one of ${EVAL_SPLITS.join(", ")}`);
  }
  if (reportName === fitSplit) {
    throw new UsageError(
      `--report ${reportName} is the fit split; report on another one (or none)`,
    );
  }
  const tta = parseTta(values.tta);
  await useWasmBackend();
  const source = { dataDir: values.data, csv: values.csv, tta };
  const fitScores = await scoreModelDir(model, fitSplit, source);
  if (
    fitScores.selections.some((r) => !r) && (fitSplit === "Selection" || fitSplit === "Training")
  ) {
    console.log(
      `warning: ${model} was trained on all of Training; fitting on ${fitSplit} uses ` +
        `images it learned, so the temperature is biased (see README "Calibrated scores")`,
    );
  } else if (fitScores.evalSplit.warning) console.log(`note: ${fitScores.evalSplit.warning}`);
  const fit = calibrateScores(fitScores, tta);
  const r = fit.record;
  console.log(
    `${model}: temperature ${fit.temperature.toFixed(4)} fitted on ${fitSplit} ` +
      `(${r.count} images, tta ${tta})\n` +
      `  ${fitSplit}: NLL ${r.nll.before.toFixed(4)} -> ${r.nll.after.toFixed(4)}, ` +
      `ECE ${pct(r.ece.before)} -> ${pct(r.ece.after)} (the fit's own split)`,
  );
  if (halvings !== undefined) {
    const c = crossFitTemperature(fitScores.scores, fitScores.labels, fitScores.classes, halvings);
    const ms = (xs: number[], f: (x: number) => string) => {
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
      return `${f(mean)} ± ${f(sd)}`;
    };
    console.log(
      `  cross-fit on ${fitSplit} (${halvings} random halvings, fit on one half, ECE of the ` +
        `other): T ${ms(c.temperatures, (x) => x.toFixed(4))}, ECE ${ms(c.eceBefore, pct)} -> ${
          ms(c.eceAfter, pct)
        }`,
    );
  }
  if (reportName !== "none") {
    const reported = await scoreModelDir(model, reportName as EvalSplitName, source);
    if (reported.evalSplit.warning) console.log(`  note: ${reported.evalSplit.warning}`);
    const before = calibrationAt(reported, 1);
    const after = calibrationAt(reported, fit.temperature);
    console.log(
      `  ${reportName}: NLL ${before.nll.toFixed(4)} -> ${after.nll.toFixed(4)}, ` +
        `ECE ${pct(before.ece)} -> ${pct(after.ece)} (${reported.labels.length} images, reported)`,
    );
  }
  const previous = fitScores.metadata.temperature;
  if (values["no-write"]) {
    console.log(`not written (--no-write); fer-model.json keeps temperature ${previous ?? "none"}`);
  } else {
    await writeTemperature(model, fit);
    console.log(
      `wrote temperature ${fit.temperature.toFixed(4)} to ${join(model, FER_MODEL_METADATA_FILE)}` +
        (previous !== undefined ? ` (was ${previous})` : ""),
    );
  }
  return 0;
}

if (import.meta.main) await runMain("calibrate", main);
