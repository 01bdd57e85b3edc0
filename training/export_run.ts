/**
 * `deno task export`: exports a run's best checkpoint (or its latest, with `--latest`) as a
 * quantized model folder — e.g. to ship an improved model to `models/default` while a long run
 * continues. Uses the run's own `config.json`; evaluates float and quantized on PublicTest.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { loadLayersModelDir } from "../src/model/io.ts";
import { useWasmBackend } from "../src/backend.ts";
import type { TrainConfig } from "./config.ts";
import { exportFromRun, readRunConfig } from "./run_folder.ts";
import { readRunHistory } from "./history.ts";
import type { EpochRecord } from "./history.ts";
import { runMain } from "../term/run_main.ts";

const HELP = `deno task export --run DIR --to DIR [--latest] [--quantization uint8|float16|none]`;

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      run: { type: "string" },
      to: { type: "string" },
      latest: { type: "boolean", default: false },
      quantization: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help || !values.run || !values.to) {
    console.log(HELP);
    return values.help ? 0 : 2;
  }
  const config = await readRunConfig(
    values.run,
    values.quantization as TrainConfig["quantization"] | undefined,
  );
  const history = await readRunHistory(values.run);
  const epochs = values.latest ? history.length : await bestEpoch(values.run, history);
  await useWasmBackend();
  const model = await loadLayersModelDir(join(values.run, values.latest ? "checkpoint" : "best"));
  const result = await exportFromRun(model, { run: values.run, config, to: values.to, epochs });
  console.log(
    `exported ${values.run} (epoch ${epochs} of ${history.length}) to ${values.to}: ${
      (result.sizeBytes / 1024).toFixed(0)
    } KiB ${config.quantization}; ${config.validationSplit} float ${
      (result.float.accuracy * 100).toFixed(2)
    }% -> quantized ${(result.quantized.accuracy * 100).toFixed(2)}%`,
  );
  return 0;
}

/** The epoch whose weights `RUN/best/` holds: from the checkpoint state, else the history's best. */
async function bestEpoch(runDir: string, history: EpochRecord[]): Promise<number> {
  try {
    const state = JSON.parse(await Deno.readTextFile(join(runDir, "checkpoint", "state.json")));
    if (typeof state?.best?.epoch === "number") return state.best.epoch;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return history.reduce((best, e) => (e.valAccuracy > best.valAccuracy ? e : best)).epoch;
}

if (import.meta.main) await runMain("export", main);
