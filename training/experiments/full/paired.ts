/**
 * The study's paired tests on PublicTest, on the cells' answers per image (McNemar's exact test
 * and a paired bootstrap interval, as `deno task compare --pairs` gives them): each input row
 * against raw pixels for the default network at 5 and at 7 classes (first seed), each HOG row
 * against landmarks alone (what the HOG adds on top of them), the same 7-class raw vs + landmarks
 * + HOG difference with the second seed, each of those cells against its second seed (what a seed
 * alone changes), and batch norm on vs off.
 *
 * @module
 */
import { comparePairRecords } from "../../compare/models.ts";
import type { PairedComparison } from "../../stats/paired.ts";
import { FIRST_SEED, SECOND_SEED } from "./cells.ts";
import type { CellView } from "./view.ts";

/** One planned comparison: B against A (B - A > 0: B more accurate). */
export interface PairPlan {
  /** What the comparison asks, e.g. `+ landmarks vs raw, 5 classes`. */
  title: string;
  /** Group in the report: `inputs`, `added input`, `second seed`, `seed spread`, `batch norm`. */
  group: "inputs" | "added input" | "second seed" | "seed spread" | "batch norm";
  a: CellView;
  b: CellView;
}

/** A planned comparison with its result, once both cells are scored. */
export interface PairOutcome extends PairPlan {
  result?: PairedComparison;
}

function find(
  views: readonly CellView[],
  set: string,
  classes: number,
  seed = FIRST_SEED,
  batchNorm = true,
): CellView | undefined {
  return views.find((v) =>
    v.cell.model === "default" && v.cell.featureSet.id === set && v.cell.classes === classes &&
    v.cell.seed === seed && v.cell.batchNorm === batchNorm
  );
}

/** The comparisons of the study whose two cells are among `views`, in report order. */
export function plannedPairs(views: readonly CellView[]): PairPlan[] {
  const plans: PairPlan[] = [];
  const add = (group: PairPlan["group"], title: string, a?: CellView, b?: CellView) => {
    if (a && b) plans.push({ group, title, a, b });
  };
  // Each row against a base row at both class counts; titles are the rows' own.
  const againstBase = (group: PairPlan["group"], base: string, sets: readonly string[]) => {
    for (const classes of [5, 7]) {
      for (const set of sets) {
        const a = find(views, base, classes), b = find(views, set, classes);
        const title =
          `${b?.cell.featureSet.title} vs ${a?.cell.featureSet.title}, ${classes} classes`;
        add(group, title, a, b);
      }
    }
  };
  againstBase("inputs", "raw", ["lm", "lm-hog", "lm-hogw"]);
  againstBase("added input", "lm", ["lm-hog", "lm-hogw"]);
  add(
    "second seed",
    "+ face landmarks + HOG vs raw pixels, 7 classes, second seed",
    find(views, "raw", 7, SECOND_SEED),
    find(views, "lm-hog", 7, SECOND_SEED),
  );
  for (const set of ["raw", "lm-hog"]) {
    add(
      "seed spread",
      `${set === "raw" ? "raw pixels" : "+ face landmarks + HOG"}, 7 classes: second seed vs first`,
      find(views, set, 7),
      find(views, set, 7, SECOND_SEED),
    );
  }
  add(
    "batch norm",
    "raw pixels, 7 classes: without batch norm vs with",
    find(views, "raw", 7),
    find(views, "raw", 7, FIRST_SEED, false),
  );
  return plans;
}

/**
 * Compares two done cells' PublicTest answers (from the ledger or their run folders), as
 * `deno task compare --pairs` compares two prediction files.
 */
export function compareCells(a: CellView, b: CellView): PairedComparison {
  const [pa, pb] = [a, b].map((v) => {
    if (!v.state.predictions) throw new Error(`${v.cell.id} has no PublicTest predictions`);
    return v.state.predictions.items;
  });
  return comparePairRecords(pa, pb, [a.cell.id, b.cell.id]).result;
}

/** Runs every planned comparison whose two cells are done; the others come back without a result. */
export function runPairs(views: readonly CellView[]): PairOutcome[] {
  return plannedPairs(views).map((plan) => {
    const ready = plan.a.state.phase === "done" && plan.b.state.phase === "done";
    return { ...plan, result: ready ? compareCells(plan.a, plan.b) : undefined };
  });
}
