/**
 * `deno task optimize`: hyperparameter search over the seed's space (TPE, as the seed's hyperopt,
 * or random), trials in parallel child processes, every trial logged to `OUT/trials.jsonl`
 * (resumable), the best config written to `OUT/best.json` for `deno task train --config`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { readManifest } from "./data/cache.ts";
import { parseTrainArgs } from "./cli_config.ts";
import type { TrainConfig } from "./config.ts";
import { searchSvg } from "./optimize/chart.ts";
import { processEvaluator, trialConfig } from "./optimize/process.ts";
import { bestTrial, runSearch } from "./optimize/search.ts";
import { SEED_SPACE } from "./optimize/space.ts";
import { runMain } from "../term/run_main.ts";

const HELP = `deno task optimize [search flags] [train flags]

Searches learning rate (1e-5..0.1, log), lr decay (0.5..0.99), optimizer parameter (0.5..0.99),
keep_prob (0.7..0.99) and optimizer (momentum, adam, rmsprop, adagrad, adadelta), as the seed did.
Each trial trains on Training minus the Selection split and scores its best Selection epoch
(--no-selection: all of Training, scored on PublicTest).

Search flags:
  --max-evals N     total trials, counting those already logged (default 20)
  --parallel N      trials at once, each in its own process (default 2)
  --algo tpe|random (default tpe; the first 10 TPE trials are random)
  --out DIR         trials.jsonl, best.json, search.svg, trial-N/ (default runs/optimize)
  --val-limit N     validation images per trial, 0 = all (default 0)
  --search-seed N   seed of the suggestions (default 1)
Train flags (the base config every trial starts from; see deno task train --help), e.g.
  --model a|b|default (default a)  --data DIR  --features LIST  --epochs N (default 2)
  --limit N (default 2000)  --config FILE
Re-running with the same --out resumes; --max-evals can be raised to continue a search.
`;

const SEARCH_FLAGS = ["max-evals", "parallel", "algo", "out", "val-limit", "search-seed"];

/** Splits argv into search flags and train flags. */
export function splitArgs(args: string[]): { search: string[]; train: string[] } {
  const search: string[] = [];
  const train: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].replace(/^--/, "").split("=")[0];
    if (SEARCH_FLAGS.includes(name)) {
      search.push(args[i]);
      if (!args[i].includes("=")) search.push(args[++i]);
    } else {
      train.push(args[i]);
    }
  }
  return { search, train };
}

function integer(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${flag} must be an integer >= ${min}`);
  return n;
}

async function main(args: string[]): Promise<number> {
  if (args.includes("-h") || args.includes("--help")) {
    console.log(HELP);
    return 0;
  }
  const split = splitArgs(args);
  const { values } = parseArgs({
    args: split.search,
    options: {
      "max-evals": { type: "string", default: "20" },
      parallel: { type: "string", default: "2" },
      algo: { type: "string", default: "tpe" },
      out: { type: "string", default: "runs/optimize" },
      "val-limit": { type: "string", default: "0" },
      "search-seed": { type: "string", default: "1" },
    },
    strict: true,
  });
  if (values.algo !== "tpe" && values.algo !== "random") throw new Error("--algo is tpe or random");
  const defaults = ["--model", "a", "--epochs", "2", "--limit", "2000"];
  const { config: base } = await parseTrainArgs([...defaults, ...split.train]);
  await readManifest(base.data).catch((error) => {
    throw new Error(`no prepared data in ${base.data}; run \`deno task prepare\``, {
      cause: error,
    });
  });
  const out = values.out!;
  await Deno.mkdir(out, { recursive: true });
  await Deno.writeTextFile(join(out, "base.json"), JSON.stringify(base, null, 2) + "\n");
  const valLimit = integer("val-limit", values["val-limit"]!, 0);
  const choiceSplit = base.selection ? "Selection" : base.validationSplit;
  console.error(
    `searching ${base.model} (${base.epochs} epochs, limit ${base.limit || "all"}), ` +
      `log ${join(out, "trials.jsonl")}`,
  );
  const records = await runSearch({
    space: SEED_SPACE,
    maxEvals: integer("max-evals", values["max-evals"]!, 1),
    parallel: integer("parallel", values.parallel!, 1),
    algo: values.algo,
    seed: integer("search-seed", values["search-seed"]!, 0),
    logPath: join(out, "trials.jsonl"),
    evaluate: processEvaluator(base, out, { valLimit }),
    onTrial: (r) =>
      console.error(
        `trial ${r.trial} ${r.status === "ok" ? `${(r.accuracy! * 100).toFixed(2)}%` : r.error} ` +
          `(${r.seconds.toFixed(0)} s) ${JSON.stringify(r.params)}`,
      ),
  });
  await Deno.writeTextFile(
    join(out, "search.svg"),
    searchSvg(records, `${base.model}: ${choiceSplit} accuracy per trial (green: best so far)`),
  );
  const best = bestTrial(records);
  if (!best) {
    console.error("no trial succeeded; see the trial-N/trial.log files");
    return 1;
  }
  // Retraining the winner uses all training images; epochs stay as searched unless overridden.
  const bestConfig: TrainConfig = { ...trialConfig(base, best.params), limit: 0 };
  await Deno.writeTextFile(join(out, "best.json"), JSON.stringify(bestConfig, null, 2) + "\n");
  const failed = records.filter((r) => r.status !== "ok").length;
  console.log(
    `best trial ${best.trial}: ${choiceSplit} ${(best.accuracy! * 100).toFixed(2)}% ` +
      `(${records.length} trials, ${failed} failed)\n${JSON.stringify(best.params, null, 2)}\n` +
      `retrain: deno task train --config ${join(out, "best.json")} [--epochs N]`,
  );
  return 0;
}

if (import.meta.main) await runMain("optimize", main);
