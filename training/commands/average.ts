/**
 * `deno task average`: averages a run's per-epoch weight snapshots, re-measures batch-norm
 * statistics and exports the result (`average_run.ts`).
 *
 * @module
 */
import { useWasmBackend } from "../../src/backend.ts";
import { averageRun } from "../average_run.ts";
import { formatEpochSelection, parseEpochSelection } from "../average_weights.ts";
import { readRunHistory } from "../loop/history.ts";
import {
  choiceFlag,
  defineFlags,
  numberFlag,
  parseFlags,
  requireFlag,
  UsageError,
} from "../../term/flags.ts";
import { runMain } from "../../term/run_main.ts";

const FLAGS = defineFlags({
  help: `deno task average --run DIR --epochs 80-96 --to DIR [flags]

  --run DIR           run folder (its config.json and history.json are used)
  --epochs LIST       epochs to average: a range 80-96, a list 84,88,92, or both
  --to DIR            model folder to write (e.g. models/default)
  --snapshots DIR     where the epoch-NNN folders are (default RUN/epochs)
  --bn-images N       Training images to re-measure batch-norm statistics on (default 8192)
  --quantization uint8|float16|none   (default: the run's)
`,
  options: {
    run: { type: "string" },
    epochs: { type: "string" },
    to: { type: "string" },
    snapshots: { type: "string" },
    "bn-images": { type: "string" },
    quantization: { type: "string" },
  },
});

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  const run = requireFlag("run", values.run);
  const to = requireFlag("to", values.to);
  let epochs: number[];
  try {
    epochs = parseEpochSelection(requireFlag("epochs", values.epochs));
  } catch (error) {
    throw error instanceof UsageError
      ? error
      : new UsageError(`--epochs: ${(error as Error).message}`);
  }
  const bnImages = numberFlag("bn-images", values["bn-images"], { integer: true, min: 1 });
  const quantization = choiceFlag("quantization", values.quantization, [
    "uint8",
    "float16",
    "none",
  ]);
  await useWasmBackend();
  const result = await averageRun({
    run,
    epochs,
    to,
    snapshots: values.snapshots,
    bnImages,
    quantization,
  });
  const history = await readRunHistory(run);
  const single = history.filter((h) => epochs.includes(h.epoch));
  const bestSingle = single.reduce((a, b) => (b.valAccuracy > a.valAccuracy ? b : a), single[0]);
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  console.log(
    `averaged ${epochs.length} epochs (${formatEpochSelection(epochs)}) of ${run} into ${to}: ` +
      `float ${pct(result.float.accuracy)} -> quantized ${pct(result.quantized.accuracy)} ` +
      `(${(result.sizeBytes / 1024).toFixed(0)} KiB)` +
      (bestSingle
        ? `; best single epoch of those: ${bestSingle.epoch} at ${pct(bestSingle.valAccuracy)}`
        : ""),
  );
  return 0;
}

if (import.meta.main) await runMain("average", main);
