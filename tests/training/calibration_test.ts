import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../assert.ts";
import {
  crossFitTemperature,
  fitTemperature,
  meanNll,
  reliability,
} from "../../training/stats/calibration.ts";
import { applyTemperature } from "../../src/classifier/temperature.ts";
import { Rng } from "../../training/rng.ts";

Deno.test("reliability table and ECE of a case worked by hand", () => {
  // Top probabilities .9 (right), .8 (wrong) in bin (0.75, 1]; .6 (right), .55 (right) in (0.5, 0.75].
  const probabilities = [0.9, 0.1, 0.2, 0.8, 0.4, 0.6, 0.55, 0.45];
  const labels = [0, 0, 1, 0];
  const r = reliability(probabilities, labels, 2, 4);
  assertEquals(r.bins.map((b) => b.count), [0, 0, 2, 2]);
  assertAlmostEquals(r.bins[3].confidence, 0.85, 1e-12);
  assertAlmostEquals(r.bins[3].accuracy, 0.5, 1e-12);
  assertAlmostEquals(r.bins[2].confidence, 0.575, 1e-12);
  assertAlmostEquals(r.bins[2].accuracy, 1, 1e-12);
  // ECE = 2/4 * |0.5 - 0.85| + 2/4 * |1 - 0.575| = 0.175 + 0.2125
  assertAlmostEquals(r.ece, 0.3875, 1e-12);
  assertAlmostEquals(r.accuracy, 0.75, 1e-12);
  assertAlmostEquals(r.confidence, (0.9 + 0.8 + 0.6 + 0.55) / 4, 1e-12);
  assertEquals(reliability(probabilities, labels, 2).bins.length, 15);
  // A confidence of exactly 1 lands in the last bin, of exactly 0.5 with 2 bins in the first.
  assertEquals(reliability([1, 0], [0], 2, 15).bins[14].count, 1);
  assertEquals(reliability([0.5, 0.5], [0], 2, 2).bins[0].count, 1);
});

Deno.test("mean NLL worked by hand, with and without a temperature", async () => {
  const probabilities = [0.7, 0.2, 0.1, 0.25, 0.5, 0.25];
  const labels = [0, 2];
  assertAlmostEquals(
    meanNll(probabilities, labels, 3),
    -(Math.log(0.7) + Math.log(0.25)) / 2,
    1e-7,
  );
  const t2 = applyTemperature(probabilities, 3, 2);
  assertAlmostEquals(
    meanNll(probabilities, labels, 3, 2),
    -(Math.log(t2[0]) + Math.log(t2[5])) / 2,
    1e-7,
  );
  await assertThrows(() => reliability([0.5, 0.5], [0, 1], 2), "do not hold 2 rows of 2");
  await assertThrows(() => meanNll([0.5, 0.5, 0.1], [0], 2), "do not hold 1 rows of 2");
});

/**
 * Items whose true labels are drawn from softmax(z / trueT) while the "model" reports softmax(z):
 * the temperature that calibrates the model is trueT.
 */
function synthetic(trueT: number, n: number, seed: number) {
  const rng = new Rng(seed);
  const k = 7;
  const probabilities = new Float32Array(n * k);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: k }, () => rng.uniform(-3, 3));
    z[i % k] += 2; // a clear favourite, as a trained model has
    const model = z.map(Math.exp);
    const sum = model.reduce((a, b) => a + b, 0);
    model.forEach((v, c) => probabilities[i * k + c] = v / sum);
    const truth = z.map((v) => Math.exp(v / trueT));
    const total = truth.reduce((a, b) => a + b, 0);
    let u = rng.next() * total;
    let label = 0;
    while (label < k - 1 && (u -= truth[label]) > 0) label++;
    labels[i] = label;
  }
  return { probabilities, labels };
}

Deno.test("the fitted temperature recovers the one the labels were drawn with", () => {
  for (const trueT of [2, 0.6]) {
    const { probabilities, labels } = synthetic(trueT, 20000, 11);
    const fit = fitTemperature(probabilities, labels, 7);
    assertAlmostEquals(fit.temperature, trueT, trueT * 0.05, `T=${trueT}: got ${fit.temperature}`);
    assertOk(fit.nll.after < fit.nll.before, "the fit lowers the NLL");
    // It is a minimum: 5% either way is worse.
    for (const t of [fit.temperature * 0.95, fit.temperature * 1.05]) {
      assertOk(meanNll(probabilities, labels, 7, t) > fit.nll.after);
    }
    const before = reliability(probabilities, labels, 7).ece;
    const after = reliability(applyTemperature(probabilities, 7, fit.temperature), labels, 7).ece;
    assertOk(after < before / 2, `ECE ${before} -> ${after}`);
  }
  // A calibrated model keeps T close to 1.
  const { probabilities, labels } = synthetic(1, 20000, 12);
  assertAlmostEquals(fitTemperature(probabilities, labels, 7).temperature, 1, 0.05);
});

Deno.test("fitTemperature refuses no items and a bad search range", async () => {
  await assertThrows(() => fitTemperature([], [], 7), "no items");
  await assertThrows(() => fitTemperature([0.5, 0.5], [0], 2, { min: 2, max: 1 }), "0 < min < max");
});

Deno.test("a cross-fit recovers the temperature on each half and lowers the other half's ECE", () => {
  const { probabilities, labels } = synthetic(2, 8000, 13);
  const c = crossFitTemperature(probabilities, labels, 7, 2, 1);
  assertEquals([c.temperatures.length, c.eceBefore.length, c.eceAfter.length], [4, 4, 4]);
  for (const t of c.temperatures) assertAlmostEquals(t, 2, 0.15);
  c.eceAfter.forEach((after, i) =>
    assertOk(after < c.eceBefore[i] / 2, `${c.eceBefore[i]} -> ${after}`)
  );
  // Seeded: the same call cuts the same halves.
  assertEquals(crossFitTemperature(probabilities, labels, 7, 2, 1), c);
});
