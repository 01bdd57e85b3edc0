import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../assert.ts";
import {
  binomialHalfCdf,
  comparePaired,
  mcnemarExactP,
  pairedBootstrapInterval,
} from "../../training/stats/paired.ts";

Deno.test("McNemar's exact p on the cases worked by hand", () => {
  // b=3, c=10: n=13, P(X<=3) = (1 + 13 + 78 + 286) / 2^13 = 378/8192; two-sided doubles it.
  assertAlmostEquals(mcnemarExactP(3, 10), 2 * 378 / 8192, 1e-12);
  assertAlmostEquals(mcnemarExactP(3, 10), 0.09229, 1e-5);
  assertAlmostEquals(mcnemarExactP(10, 3), 0.09229, 1e-5); // symmetric in b and c
  // b=0, c=6: 2 * (1/2)^6.
  assertAlmostEquals(mcnemarExactP(0, 6), 0.03125, 1e-12);
  // b=1, c=9: 2 * (1 + 10) / 1024.
  assertAlmostEquals(mcnemarExactP(1, 9), 22 / 1024, 1e-12);
  // Balanced or no discordant pairs: no evidence at all.
  assertEquals(mcnemarExactP(5, 5), 1);
  assertEquals(mcnemarExactP(0, 0), 1);
  // n = 1000 in log space (2^-1000 underflows a double): exact integer arithmetic,
  // 2 * sum_{k<=480} C(1000, k) / 2^1000, gives 0.217448293204141.
  assertAlmostEquals(mcnemarExactP(480, 520), 0.217448293204141, 1e-10);
  assertAlmostEquals(binomialHalfCdf(2, 4), 11 / 16, 1e-12);
});

Deno.test("McNemar refuses counts that are not whole numbers", async () => {
  await assertThrows(() => mcnemarExactP(-1, 3), "b must be");
  await assertThrows(() => mcnemarExactP(2, 1.5), "c must be");
});

Deno.test("comparePaired: accuracies, discordant pairs and per-class recalls of a case worked by hand", () => {
  // 10 items, 3 classes.
  const labels = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
  const predictedA = [0, 0, 1, 2, 1, 0, 0, 2, 2, 1]; // right: 0,1,4,7,8 -> 5/10
  const predictedB = [0, 1, 0, 0, 1, 1, 0, 2, 0, 2]; // right: 0,2,3,4,5,7,9 -> 7/10
  const result = comparePaired({ labels, predictedA, predictedB, classes: 3 }, { resamples: 500 });
  assertEquals(result.count, 10);
  assertAlmostEquals(result.accuracyA, 0.5, 1e-12);
  assertAlmostEquals(result.accuracyB, 0.7, 1e-12);
  assertAlmostEquals(result.difference, 0.2, 1e-12);
  // A right, B wrong: items 1 and 8 (b=2); A wrong, B right: items 2, 3, 5, 9 (c=4).
  assertEquals([result.mcnemar.b, result.mcnemar.c], [2, 4]);
  // n=6, P(X<=2) = (1 + 6 + 15) / 64; doubled: 44/64.
  assertAlmostEquals(result.mcnemar.p, 44 / 64, 1e-12);
  const recalls = result.perClass.map((c) => [c.support, c.recallA, c.recallB]);
  assertEquals(recalls, [[4, 2 / 4, 3 / 4], [3, 1 / 3, 2 / 3], [3, 2 / 3, 2 / 3]]);
  assertAlmostEquals(result.perClass[2].delta, 0, 1e-12);
  assertOk(result.interval.lower <= 0.2 && result.interval.upper >= 0.2, "CI holds the estimate");
});

Deno.test("a missing answer (-1) counts as wrong; mismatched lengths and bad labels are refused", async () => {
  const r = comparePaired({ labels: [0, 1], predictedA: [-1, 1], predictedB: [0, 1], classes: 2 });
  assertEquals([r.accuracyA, r.accuracyB, r.mcnemar.c], [0.5, 1, 1]);
  await assertThrows(
    () => comparePaired({ labels: [0, 1], predictedA: [0], predictedB: [0, 1], classes: 2 }),
    "1 predictions from A",
  );
  await assertThrows(
    () => comparePaired({ labels: [0, 5], predictedA: [0, 1], predictedB: [0, 1], classes: 2 }),
    "item 1: label 5",
  );
});

Deno.test("bootstrap interval: degenerate cases are exact, and its width matches the paired standard error", () => {
  const same = Uint8Array.from({ length: 50 }, (_, i) => i % 3 === 0 ? 1 : 0);
  const zero = pairedBootstrapInterval(same, same);
  assertEquals([zero.lower, zero.upper], [0, 0]);
  const one = pairedBootstrapInterval(new Uint8Array(20), new Uint8Array(20).fill(1));
  assertEquals([one.lower, one.upper], [1, 1]);

  // n = 1000 items, b = 60 (A only), c = 90 (B only): difference 0.03. The per-item difference d is
  // +1 (90x), -1 (60x), 0 (850x), so sd(mean d) = sqrt((150/1000 - 0.03^2) / 1000) = 0.012211
  // and a 95% interval is about 0.03 ± 1.96 * 0.012211 = [0.00607, 0.05393].
  const a = new Uint8Array(1000);
  const b = new Uint8Array(1000);
  for (let i = 0; i < 1000; i++) {
    a[i] = i < 60 || (i >= 150 && i < 700) ? 1 : 0;
    b[i] = (i >= 60 && i < 150) || (i >= 150 && i < 700) ? 1 : 0;
  }
  const ci = pairedBootstrapInterval(a, b, { resamples: 4000, seed: 1 });
  assertAlmostEquals(ci.lower, 0.00607, 0.003);
  assertAlmostEquals(ci.upper, 0.05393, 0.003);
  // Seeded: the same seed gives the same interval.
  assertEquals(pairedBootstrapInterval(a, b, { resamples: 4000, seed: 1 }), ci);
  assertEquals([ci.level, ci.resamples, ci.seed], [0.95, 4000, 1]);
});
