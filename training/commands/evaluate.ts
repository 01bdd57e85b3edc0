/**
 * `deno task evaluate`: measures a model or model set on one split with its calibration, prints
 * the report and records it next to the model (`evaluation.ts`).
 *
 * @module
 */
import { useWasmBackend } from "../../src/backend.ts";
import { argmaxRows, confusionMatrix, formatReport, reportFromConfusion } from "../metrics.ts";
import { parseEvalSplit, parseTta } from "../eval_split.ts";
import { type ModelScores, scoreModelDir } from "../score.ts";
import { BadRowLog } from "../bad_rows.ts";
import {
  formatCalibration,
  setSummary,
  summariseCalibration,
  writeEvaluation,
} from "../evaluation.ts";
import { defineFlags, parseFlags } from "../../term/flags.ts";
import { runMain } from "../../term/run_main.ts";

const FLAGS = defineFlags({
  help: `deno task evaluate [flags]

  --model DIR        exported model folder, or model set folder (default models/default)
  --split NAME       PublicTest | PrivateTest | Training | Selection (default PublicTest);
                     Selection = the held-out 10% of Training the model chose on (see README)
  --data DIR         prepared data folder (default data/prepared)
  --csv PATH         read the split straight from a FER2013 .csv/.csv.gz instead; bad rows
                     are skipped and reported (count, first 10 with their lines)
  --strict           with --csv: stop at the first bad row instead, exit 1
  --tta MODE         none | flip | tencrop (default none)
  --no-write         do not write metrics.json / confusion.svg / reliability.svg

Prints accuracy, per-class scores, the confusion matrix and the calibration of the scores the
model shows (its fer-model.json temperature applied): expected calibration error over 15
confidence bins and the mean negative log-likelihood, before and after the temperature.
`,
  options: {
    model: { type: "string", default: "models/default" },
    split: { type: "string", default: "PublicTest" },
    data: { type: "string", default: "data/prepared" },
    csv: { type: "string" },
    strict: { type: "boolean", default: false },
    tta: { type: "string", default: "none" },
    "no-write": { type: "boolean", default: false },
  },
});

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  const split = parseEvalSplit(values.split);
  const tta = parseTta(values.tta);
  await useWasmBackend();
  const started = performance.now();
  const badRows = new BadRowLog();
  let scored: ModelScores;
  try {
    scored = await scoreModelDir(values.model, split, {
      dataDir: values.data,
      csv: values.csv,
      strict: values.strict,
      onBadRow: badRows.add,
      tta,
    });
  } finally {
    // Skipped rows are reported whether or not the evaluation then succeeded.
    for (const line of badRows.report()) console.error(line);
  }
  const predicted = argmaxRows(scored.scores, scored.classes);
  const report = reportFromConfusion(
    confusionMatrix(scored.labels, predicted, scored.classes),
    scored.metadata.labels,
  );
  const calibration = summariseCalibration(scored);
  const seconds = (performance.now() - started) / 1000;
  console.log(`${values.model} on ${split}${tta === "none" ? "" : ` (tta ${tta})`}:`);
  if (scored.metadata.kind === "set") console.log(`model set: ${setSummary(scored.metadata)}`);
  if (scored.evalSplit.warning) console.log(`note: ${scored.evalSplit.warning}`);
  console.log(formatReport(report));
  console.log(`\n${formatCalibration(calibration.summary)}`);
  console.log(`\n${report.count} images in ${seconds.toFixed(1)} s`);
  if (!values["no-write"]) {
    const written = await writeEvaluation(values.model, split, tta, report, calibration);
    console.log(`wrote ${written.metrics}, ${written.confusion} and ${written.reliability}`);
  }
  return 0;
}

if (import.meta.main) await runMain("evaluate", main);
