import { studyCells } from "../../../training/experiments/full/cells.ts";
import { plannedPairs } from "../../../training/experiments/full/paired.ts";
import type { CellState } from "../../../training/experiments/full/state.ts";
import { assertEquals } from "../../assert.ts";

// Planning reads only the cells, never their states.
const views = studyCells().map((cell) => ({ cell, state: {} as CellState }));
const ids = (group: string) =>
  plannedPairs(views).filter((p) => p.group === group).map((p) => [p.a.cell.id, p.b.cell.id]);

Deno.test("each input row is compared with raw pixels at both class counts", () => {
  assertEquals(ids("inputs"), [
    ["default-raw-5", "default-lm-5"],
    ["default-raw-5", "default-lm-hog-5"],
    ["default-raw-5", "default-lm-hogw-5"],
    ["default-raw-7", "default-lm-7"],
    ["default-raw-7", "default-lm-hog-7"],
    ["default-raw-7", "default-lm-hogw-7"],
  ]);
});

Deno.test("each HOG row is also compared with landmarks alone, what the HOG adds", () => {
  assertEquals(ids("added input"), [
    ["default-lm-5", "default-lm-hog-5"],
    ["default-lm-5", "default-lm-hogw-5"],
    ["default-lm-7", "default-lm-hog-7"],
    ["default-lm-7", "default-lm-hogw-7"],
  ]);
});

Deno.test("a pair whose cell is not in the study is left out", () => {
  const without = views.filter((v) => v.cell.id !== "default-lm-5");
  const pairs = plannedPairs(without).map((p) => `${p.a.cell.id} ${p.b.cell.id}`);
  assertEquals(pairs.filter((p) => p.includes("default-lm-5")), []);
  assertEquals(pairs.includes("default-lm-7 default-lm-hog-7"), true);
});
