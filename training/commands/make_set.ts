/**
 * `deno task make:set`: assembles a model set folder from exported model folders
 * (`model_set.ts`).
 *
 * @module
 */
import { makeModelSet } from "../model_set.ts";
import { defineFlags, numberFlag, parseFlags, requireFlag, UsageError } from "../../term/flags.ts";
import { runMain } from "../../term/run_main.ts";

const FLAGS = defineFlags({
  help: `deno task make:set --out DIR --member DIR [--member DIR ...] [flags]

  --out DIR       set folder to write (refused if it exists, unless --force)
  --member DIR    an exported model folder; repeat for each member (order = averaging order)
  --weight W      weight of the member at the same position (default 1 each; normalised)
  --name NAME     the set's name in fer-model.json and /api/model (default: OUT's folder name)
  --force         replace OUT when it exists (it may be one of the members)

Each member is copied into OUT/<its folder name>/. Calibrate the set afterwards with
deno task calibrate --model OUT (the temperature applies to the members' weighted mean).
`,
  options: {
    out: { type: "string" },
    member: { type: "string", multiple: true },
    weight: { type: "string", multiple: true },
    name: { type: "string" },
    force: { type: "boolean", default: false },
  },
});

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  const out = requireFlag("out", values.out);
  const members = values.member ?? [];
  if (members.length === 0) throw new UsageError("at least one --member is required");
  const weights = (values.weight ?? []).map((w) => numberFlag("weight", w, { positive: true })!);
  if (weights.length > 0 && weights.length !== members.length) {
    throw new UsageError(
      `${weights.length} --weight for ${members.length} --member; give one each`,
    );
  }
  const made = await makeModelSet({
    out,
    members: members.map((dir, i) => ({ dir, weight: weights.length ? weights[i] : undefined })),
    name: values.name,
    force: values.force,
  });
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(
    `wrote ${out}: set ${made.metadata.name}@${made.version} of ` +
      made.metadata.members.map((m) => `${m.path} (weight ${m.weight})`).join(", ") +
      `; weights ${kb(made.weightBytes)}, with model.json ${kb(made.sizeBytes)}`,
  );
  console.log(`uncalibrated: fit its temperature with deno task calibrate --model ${out}`);
  return 0;
}

if (import.meta.main) await runMain("make:set", main);
