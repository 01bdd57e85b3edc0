import { assertAlmostEquals } from "../../assert.ts";
import { defaultConfig, mergeConfig } from "../../../training/config.ts";
import { learningRateAt } from "../../../training/loop/schedule.ts";

Deno.test("the seed's exponential decay steps by 0.864 every 50 batches", () => {
  const c = defaultConfig("a");
  assertAlmostEquals(learningRateAt(c, { step: 0, epoch: 0 }), 0.016);
  assertAlmostEquals(learningRateAt(c, { step: 49, epoch: 0 }), 0.016);
  assertAlmostEquals(learningRateAt(c, { step: 100, epoch: 0 }), 0.016 * 0.864 ** 2, 1e-12);
});

Deno.test("cosine warms up linearly, peaks, and ends at zero", () => {
  const c = mergeConfig(defaultConfig("default"), { learningRate: 1, warmupEpochs: 2, epochs: 10 });
  assertAlmostEquals(learningRateAt(c, { step: 0, epoch: 1 }), 0.5, 1e-6);
  assertAlmostEquals(learningRateAt(c, { step: 0, epoch: 2 }), 1, 1e-6);
  assertAlmostEquals(learningRateAt(c, { step: 0, epoch: 6 }), 0.5, 1e-6);
  assertAlmostEquals(learningRateAt(c, { step: 0, epoch: 10 }), 0, 1e-6);
});

Deno.test("reduce-on-plateau multiplies the accumulated factor", () => {
  const c = mergeConfig(defaultConfig("default"), { schedule: "plateau", warmupEpochs: 0 });
  assertAlmostEquals(learningRateAt(c, { step: 0, epoch: 5 }, 0.25), c.learningRate * 0.25);
});

Deno.test("a cosine warm restart starts again at the full rate and still ends at zero", () => {
  const c = mergeConfig(defaultConfig("default"), {
    learningRate: 1,
    warmupEpochs: 1,
    epochs: 30,
    restartEpoch: 20,
  });
  assertAlmostEquals(learningRateAt(c, { step: 0, epoch: 20 }), 1, 1e-6);
  assertAlmostEquals(learningRateAt(c, { step: 0, epoch: 25 }), 0.5, 1e-6);
  assertAlmostEquals(learningRateAt(c, { step: 0, epoch: 30 }), 0, 1e-6);
  // Before the restart epoch the rate is the first cosine's, clamped at its start.
  assertAlmostEquals(learningRateAt(c, { step: 0, epoch: 10 }), 1, 1e-6);
});
