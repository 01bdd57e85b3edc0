import { assertAlmostEquals, assertEquals } from "../assert.ts";
import {
  argmaxRows,
  confusionMatrix,
  formatReport,
  reportFromConfusion,
} from "../../training/metrics.ts";

Deno.test("confusion matrix and per-class scores match a hand-computed example", () => {
  // actual:    0 0 0 1 1 2
  // predicted: 0 0 1 1 2 2
  const m = confusionMatrix([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], 3);
  assertEquals(m, [[2, 1, 0], [0, 1, 1], [0, 0, 1]]);
  const r = reportFromConfusion(m, ["x", "y", "z"]);
  assertAlmostEquals(r.accuracy, 4 / 6);
  // class x: precision 2/2, recall 2/3 -> F1 0.8
  assertAlmostEquals(r.classes[0].precision, 1);
  assertAlmostEquals(r.classes[0].recall, 2 / 3);
  assertAlmostEquals(r.classes[0].f1, 0.8);
  // class y: precision 1/2, recall 1/2 -> F1 0.5 ; class z: precision 1/2, recall 1 -> F1 2/3
  assertAlmostEquals(r.classes[1].f1, 0.5);
  assertAlmostEquals(r.classes[2].f1, 2 / 3);
  assertAlmostEquals(r.macroF1, (0.8 + 0.5 + 2 / 3) / 3);
  assertEquals(r.classes.map((c) => c.support), [3, 2, 1]);
  const text = formatReport(r);
  assertEquals(text.startsWith("accuracy 66.67%"), true);
});

Deno.test("a class never predicted and never present scores 0 without NaN", () => {
  const r = reportFromConfusion(confusionMatrix([0, 0], [0, 0], 2), ["a", "b"]);
  assertEquals(r.classes[1].f1, 0);
  assertAlmostEquals(r.macroF1, 0.5);
});

Deno.test("argmaxRows picks the largest score per row", () => {
  assertEquals([...argmaxRows(new Float32Array([0.1, 0.7, 0.2, 0.5, 0.2, 0.3]), 3)], [1, 0]);
});
