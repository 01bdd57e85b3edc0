/**
 * `deno task export`: exports a run's best checkpoint (or its latest, with `--latest`) as a
 * quantized model folder — e.g. to ship an improved model to `models/default` while a long run
 * continues. Uses the run's own `config.json`; evaluates float and quantized on PublicTest.
 *
 * @module
 */
import { join } from "node:path";
import { loadLayersModelDir } from "../../src/model/io.ts";
import { useWasmBackend } from "../../src/backend.ts";
import { bestEpoch, exportFromRun, readRunConfig } from "../run_folder.ts";
import { readRunHistory } from "../loop/history.ts";
import { choiceFlag, defineFlags, parseFlags, requireFlag } from "../../term/flags.ts";
import { runMain } from "../../term/run_main.ts";

const FLAGS = defineFlags({
  help: `deno task export --run DIR --to DIR [--latest] [--quantization uint8|float16|none]

  --run DIR        run folder (its config.json, history.json, best/ and checkpoint/)
  --to DIR         model folder to write (e.g. models/default)
  --latest         export the last checkpoint instead of the best epoch
  --quantization   uint8 | float16 | none (default: the run's)
`,
  options: {
    run: { type: "string" },
    to: { type: "string" },
    latest: { type: "boolean", default: false },
    quantization: { type: "string" },
  },
});

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  const run = requireFlag("run", values.run);
  const to = requireFlag("to", values.to);
  const quantization = choiceFlag("quantization", values.quantization, [
    "uint8",
    "float16",
    "none",
  ]);
  const config = await readRunConfig(run, quantization);
  const history = await readRunHistory(run);
  const epochs = values.latest ? history.length : await bestEpoch(run, history);
  await useWasmBackend();
  const model = await loadLayersModelDir(join(run, values.latest ? "checkpoint" : "best"));
  const result = await exportFromRun(model, { run, config, to, epochs });
  console.log(
    `exported ${run} (epoch ${epochs} of ${history.length}) to ${to}: ${
      (result.sizeBytes / 1024).toFixed(0)
    } KiB ${config.quantization}; ${config.validationSplit} float ${
      (result.float.accuracy * 100).toFixed(2)
    }% -> quantized ${(result.quantized.accuracy * 100).toFixed(2)}%`,
  );
  return 0;
}

if (import.meta.main) await runMain("export", main);
