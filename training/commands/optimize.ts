/**
 * `deno task optimize`: hyperparameter search over the seed's space (TPE, as the seed's hyperopt,
 * or random), trials in parallel child processes, every trial logged to `OUT/trials.jsonl`
 * (resumable), the best config written to `OUT/best.json` for `deno task train --config`.
 *
 * @module
 */
import { join } from "node:path";
import { readManifest } from "../data/cache.ts";
import { parseTrainArgs } from "../cli_config.ts";
import type { TrainConfig } from "../config.ts";
import { searchSvg } from "../optimize/chart.ts";
import { processEvaluator, trialConfig } from "../optimize/process.ts";
import { bestTrial, runSearch } from "../optimize/search.ts";
import { SEED_SPACE } from "../optimize/space.ts";
import { splitArgs } from "../optimize/args.ts";
import {
  choiceFlag,
  defineFlags,
  HelpRequested,
  numberFlag,
  parseFlags,
  wantsHelp,
} from "../../term/flags.ts";
import { runMain } from "../../term/run_main.ts";

const FLAGS = defineFlags({
  help: `deno task optimize [search flags] [train flags]

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
`,
  options: {
    "max-evals": { type: "string", default: "20" },
    parallel: { type: "string", default: "2" },
    algo: { type: "string", default: "tpe" },
    out: { type: "string", default: "runs/optimize" },
    "val-limit": { type: "string", default: "0" },
    "search-seed": { type: "string", default: "1" },
  },
});

async function main(args: string[]): Promise<number> {
  // Before the split: --help would otherwise go with the train flags and print train's help.
  if (wantsHelp(args)) throw new HelpRequested(FLAGS.help);
  const split = splitArgs(args);
  const { values } = parseFlags(split.search, FLAGS);
  const algo = choiceFlag("algo", values.algo, ["tpe", "random"])!;
  const integer = (flag: keyof typeof values, min: number) =>
    numberFlag(flag, values[flag], { integer: true, min })!;
  const valLimit = integer("val-limit", 0);
  const maxEvals = integer("max-evals", 1);
  const parallel = integer("parallel", 1);
  const searchSeed = integer("search-seed", 0);
  const defaults = ["--model", "a", "--epochs", "2", "--limit", "2000"];
  const { config: base } = await parseTrainArgs([...defaults, ...split.train]);
  await readManifest(base.data).catch((error) => {
    throw new Error(`no prepared data in ${base.data}; run \`deno task prepare\``, {
      cause: error,
    });
  });
  const out = values.out;
  await Deno.mkdir(out, { recursive: true });
  await Deno.writeTextFile(join(out, "base.json"), JSON.stringify(base, null, 2) + "\n");
  const choiceSplit = base.selection ? "Selection" : base.validationSplit;
  console.error(
    `searching ${base.model} (${base.epochs} epochs, limit ${base.limit || "all"}), ` +
      `log ${join(out, "trials.jsonl")}`,
  );
  const records = await runSearch({
    space: SEED_SPACE,
    maxEvals,
    parallel,
    algo,
    seed: searchSeed,
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
