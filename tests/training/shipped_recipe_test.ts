/**
 * The shipped recipe (`training/shipped_recipe.ts`): every folder is made before it is used, it ends
 * in the set that `models/default` is, and each shipped member's step resolves to the training
 * config that member's `fer-model.json` records.
 *
 * @module
 */
import { assertEquals, assertOk } from "../assert.ts";
import { readModelMetadata } from "../../src/model/io.ts";
import { describeStep } from "../../training/recipe.ts";
import { stepCommand } from "../../training/recipe_runner.ts";
import { SHIPPED_RECIPE } from "../../training/shipped_recipe.ts";

Deno.test("the shipped recipe ends in the set of two members that models/default is", () => {
  const steps = SHIPPED_RECIPE.steps.map(describeStep);
  assertEquals(steps.at(-1), "set of fer2013 + photos into default");
  assertEquals(SHIPPED_RECIPE.result, "default");
  // Every teacher and every forked, averaged, exported or assembled folder is made earlier.
  const made = new Set<string>();
  const use = (name: string) => assertOk(made.has(name), `${name} before use`);
  for (const step of SHIPPED_RECIPE.steps) {
    if (step.kind === "train") {
      for (const teacher of step.teacher?.split(",") ?? []) use(teacher);
      made.add(step.run);
      if (step.initFrom) use(step.initFrom);
      if (step.data) use(step.data);
    } else if (step.kind === "photos") {
      made.add(step.out);
    } else if (step.kind === "set") {
      step.members.forEach(use);
      made.add(step.out);
    } else {
      use(step.run);
      made.add(step.kind === "fork" ? step.to : step.out);
    }
  }
});

/** The train step whose run the recipe exports (or averages) into `out`. */
function stepMaking(out: string) {
  const made = SHIPPED_RECIPE.steps.find((s) =>
    (s.kind === "export" || s.kind === "average") && s.out === out
  ) as { run: string };
  return SHIPPED_RECIPE.steps.findLast((s) => s.kind === "train" && s.run === made.run)!;
}

Deno.test("each shipped member's recipe step resolves to the config its fer-model.json records", async () => {
  const { parseTrainArgs } = await import("../../training/cli_config.ts");
  const shipped = new URL("../../models/", import.meta.url);
  // Folders depend on where the recipe runs; everything else must be what the shipped models
  // had, no Selection split included (all of Training, chosen on PublicTest or fixed in advance).
  const withoutPaths = (config: Record<string, unknown>) => {
    const { teacher: _t, data: _d, initFrom: _i, ...rest } = config;
    return rest;
  };
  for (
    const [out, folder, unrecorded] of [
      ["default-v1", "default-v1/", []],
      ["fer2013", "default/fer2013/", []],
      // Trained before --teacher-rows existed, with a teacher cache whose photo rows were set to
      // their labels by hand, which is what the flag does (docs/models.md, second round).
      ["photos", "default/photos/", ["teacherRows"]],
    ] as const
  ) {
    const step = stepMaking(out);
    const { config } = await parseTrainArgs(stepCommand(step, SHIPPED_RECIPE, "/runs")!.args);
    const ours = withoutPaths(config as unknown as Record<string, unknown>);
    for (const key of unrecorded) delete ours[key];
    const recorded = (await readModelMetadata(new URL(folder, shipped))).training.config!;
    assertEquals(ours, withoutPaths(recorded), out);
  }
  for (const step of SHIPPED_RECIPE.steps.filter((s) => s.kind === "train")) {
    const resolved = await parseTrainArgs(stepCommand(step, SHIPPED_RECIPE, "/runs")!.args);
    assertEquals(resolved.config.selection, undefined, describeStep(step));
  }
});
