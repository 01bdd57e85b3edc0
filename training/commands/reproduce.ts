/**
 * `deno task reproduce`: trains the shipped default model again from scratch with one command
 * ({@link SHIPPED_RECIPE}: ~141 epochs, several sessions on a 2-core machine). Run the same command
 * again after an interruption or in the next session: finished steps are skipped and the current
 * training resumes from its last checkpoint. `--recipe FILE` runs another recipe (JSON) the same
 * way, e.g. an experiment that spans sessions.
 *
 * @module
 */
import { join } from "node:path";
import { describeStep, parseRecipe } from "../recipe.ts";
import { SHIPPED_RECIPE } from "../shipped_recipe.ts";
import { runRecipe, stepCommand, stepState } from "../recipe_runner.ts";
import { defineFlags, parseFlags } from "../../term/flags.ts";
import { runMain } from "../../term/run_main.ts";

const FLAGS = defineFlags({
  help: `deno task reproduce [--root DIR] [--data DIR] [--photos DIR] [--ferplus FILE]
                          [--recipe FILE] [--plan]

  --root DIR     folder for every run and model of the recipe (default ~/fer-runs/reproduce)
  --data DIR     prepared data (default data/prepared; deno task prepare makes it)
  --photos DIR   real photos with a labels.csv (photos-dev) for the steps that fine-tune on them
  --ferplus FILE FER+ votes (fer2013new.csv or .csv.gz) for steps that mix them into the targets
  --recipe FILE  another recipe as JSON (same shape as training/recipe.ts's Recipe)
  --plan         list the steps with their state and commands, run nothing

Runs the recipe of models/default (docs/models.md) step by step; the same command
continues it after Ctrl-C or in a later session. The result is ROOT/model (ROOT/<result> for a
--recipe file).
`,
  options: {
    root: { type: "string" },
    data: { type: "string" },
    ferplus: { type: "string" },
    photos: { type: "string" },
    recipe: { type: "string" },
    plan: { type: "boolean", default: false },
  },
});

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  const root = values.root ?? join(Deno.env.get("HOME") ?? ".", "fer-runs", "reproduce");
  const inputs = {
    data: values.data,
    ferplus: values.ferplus,
    photos: values.photos,
  };
  const recipe = values.recipe
    ? parseRecipe(JSON.parse(await Deno.readTextFile(values.recipe)))
    : SHIPPED_RECIPE;
  if (values.plan) {
    for (const [index, step] of recipe.steps.entries()) {
      const state = await stepState(step, root);
      // The plan shows where the votes and photos go even before they are named.
      const command = stepCommand(step, recipe, root, {
        ...inputs,
        ferplus: inputs.ferplus ?? "FERPLUS.csv",
        photos: inputs.photos ?? "PHOTOS",
      });
      console.log(
        `${index + 1}. [${state.done ? "done" : "todo"}] ${describeStep(step)} (${state.detail})` +
          (command ? `\n   deno run -A training/${command.script} ${command.args.join(" ")}` : ""),
      );
    }
    return 0;
  }
  // Ctrl-C reaches the child training too; it saves its checkpoint and exits, and the loop below
  // then stops. Without a listener this process would die first and leave the child orphaned.
  const onInterrupt = () => console.error("\ninterrupt: waiting for the current step to save...");
  Deno.addSignalListener("SIGINT", onInterrupt);
  try {
    const outcome = await runRecipe(recipe, { root, ...inputs });
    if (!outcome.complete) return outcome.stopped?.code || 1;
    console.error(
      `reproduced ${recipe.name}: ${outcome.result} (compare: deno task evaluate --model ` +
        `${outcome.result} --no-write)`,
    );
    return 0;
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
  }
}

if (import.meta.main) await runMain("reproduce", main);
