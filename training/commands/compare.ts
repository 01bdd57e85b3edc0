/**
 * `deno task compare A B`: a paired comparison of two models or model sets on the same images, or
 * of two per-item prediction files (`--pairs`); the statistics are `compare/models.ts`'s.
 *
 * @module
 */
import { useWasmBackend } from "../../src/backend.ts";
import { parseEvalSplit, parseTta } from "../eval_split.ts";
import { compareModelDirs, comparePairFiles } from "../compare/models.ts";
import { comparisonJson, formatComparison } from "../compare/format.ts";
import { defineFlags, numberFlag, parseFlags, UsageError } from "../../term/flags.ts";
import { runMain } from "../../term/run_main.ts";

const FLAGS = defineFlags({
  help: `deno task compare A B [flags]          two model (or model set) folders on the same images
deno task compare --pairs A.json B.json   two per-item prediction files

  --split NAME       PublicTest | PrivateTest | Training | Selection (default PublicTest)
  --data DIR         prepared data folder (default data/prepared)
  --csv PATH         read the split straight from a FER2013 .csv/.csv.gz instead
  --tta MODE         none | flip | tencrop views, for both models (default none)
  --pairs            A and B are JSON files of {id, label, predicted} records, matched by id
                     (an array, or an object with an "items" array; "file" is taken for "id";
                     labels are class names or indices; predicted null = no answer, wrong)
  --resamples N      bootstrap resamples (default 2000)
  --seed N           bootstrap seed (default 2013)
  --json             print the result as JSON instead of text

B - A > 0 means B is more accurate. Models trained on all of Training (the shipped ones) can only
be compared fairly on PublicTest or PrivateTest: they learned the Selection images.
`,
  positionals: true,
  options: {
    split: { type: "string", default: "PublicTest" },
    data: { type: "string", default: "data/prepared" },
    csv: { type: "string" },
    tta: { type: "string", default: "none" },
    pairs: { type: "boolean", default: false },
    resamples: { type: "string", default: "2000" },
    seed: { type: "string", default: "2013" },
    json: { type: "boolean", default: false },
  },
});

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  if (positionals.length !== 2) {
    throw new UsageError(`expected two models (or two --pairs files), got ${positionals.length}`);
  }
  const [a, b] = positionals;
  const stats = {
    resamples: numberFlag("resamples", values.resamples, { integer: true, min: 0 })!,
    seed: numberFlag("seed", values.seed, { integer: true, min: 0 })!,
  };
  let compared;
  if (values.pairs) {
    compared = await comparePairFiles(a, b, stats);
  } else {
    const split = parseEvalSplit(values.split);
    const tta = parseTta(values.tta);
    await useWasmBackend();
    compared = await compareModelDirs(a, b, split, {
      dataDir: values.data,
      csv: values.csv,
      tta,
      ...stats,
    });
  }
  console.log(
    values.json
      ? JSON.stringify(comparisonJson(compared.result, compared.heading), null, 2)
      : formatComparison(compared.result, compared.heading),
  );
  return 0;
}

if (import.meta.main) await runMain("compare", main);
