import {
  fromInternal,
  type Params,
  SEED_SPACE,
  toInternal,
  validateParams,
} from "../../../training/optimize/space.ts";
import {
  normalCdf,
  parzen,
  parzenLogPdf,
  parzenSample,
  randomParams,
  splitObservations,
  suggestTpe,
} from "../../../training/optimize/tpe.ts";
import { runSearch } from "../../../training/optimize/search.ts";
import { seededRandom } from "../../../training/rng.ts";
import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../../assert.ts";

Deno.test("the seed's space: lr log 1e-5..0.1, decay/param 0.5..0.99, keep 0.7..0.99, 5 optimizers", () => {
  assertEquals(
    SEED_SPACE.map((p) =>
      p.kind === "choice" ? [p.field, p.options.length] : [p.field, p.low, p.high]
    ),
    [
      ["learningRate", 1e-5, 0.1],
      ["learningRateDecay", 0.5, 0.99],
      ["optimizerParam", 0.5, 0.99],
      ["keepProb", 0.7, 0.99],
      ["optimizer", 5],
    ],
  );
  const lr = SEED_SPACE[0];
  if (lr.kind === "choice") throw new Error("unexpected");
  assertAlmostEquals(fromInternal(lr, toInternal(lr, 3e-4)), 3e-4, 1e-12);
  assertAlmostEquals(fromInternal(lr, 100), 0.1, 1e-12, "clamped into the bounds");
});

Deno.test("validateParams names the bad field", async () => {
  const ok = randomParams(SEED_SPACE, seededRandom(3));
  validateParams(SEED_SPACE, ok);
  await assertThrows(() => validateParams(SEED_SPACE, { ...ok, keepProb: 0.5 }), "keepProb");
  await assertThrows(() => validateParams(SEED_SPACE, { ...ok, optimizer: "lbfgs" }), "optimizer");
});

Deno.test("normalCdf matches the standard normal table", () => {
  assertAlmostEquals(normalCdf(0), 0.5, 1e-7);
  assertAlmostEquals(normalCdf(1.959964), 0.975, 1e-6);
  assertAlmostEquals(normalCdf(-1), 0.1586553, 1e-6);
});

Deno.test("a truncated Parzen density integrates to 1 over its bounds and samples inside them", () => {
  const p = parzen([0.1, 0.15, 0.8], 0, 1);
  assertEquals(p.mus.length, 4, "three points plus the prior");
  let integral = 0;
  const steps = 20000;
  for (let i = 0; i < steps; i++) integral += Math.exp(parzenLogPdf(p, (i + 0.5) / steps)) / steps;
  assertAlmostEquals(integral, 1, 1e-3);
  const random = seededRandom(9);
  let nearCluster = 0;
  for (let i = 0; i < 2000; i++) {
    const x = parzenSample(p, random);
    assertOk(x >= 0 && x <= 1);
    if (x < 0.3) nearCluster++;
  }
  // Two of the four components sit at 0.1-0.15: about half the mass is there.
  assertOk(nearCluster > 700 && nearCluster < 1400, `${nearCluster} of 2000 near the cluster`);
});

Deno.test("splitObservations keeps the best ceil(0.25 sqrt n) as good (hyperopt's rule)", () => {
  const obs = Array.from({ length: 16 }, (_, i) => ({ params: {}, score: i / 16 }));
  const [good, bad] = splitObservations(obs, 0.25);
  assertEquals(good.map((o) => o.score), [15 / 16]);
  assertEquals(bad.length, 15);
  assertEquals(splitObservations(obs.slice(0, 17), 0.25)[0].length, 1);
  assertEquals(splitObservations([...obs, ...obs], 0.25)[0].length, 2);
});

Deno.test("suggestions are random during start-up, in the space, and reproducible", () => {
  const a = suggestTpe(SEED_SPACE, [], seededRandom(5));
  const b = suggestTpe(SEED_SPACE, [], seededRandom(5));
  assertEquals(a, b);
  validateParams(SEED_SPACE, a);
});

/** A smooth objective with its optimum at lr 1e-3, keep 0.9, adam. */
function objective(p: Params): number {
  const lr = Math.log10(p.learningRate as number) + 3;
  const keep = ((p.keepProb as number) - 0.9) * 10;
  return 0.7 - 0.05 * lr * lr - 0.02 * keep * keep - (p.optimizer === "adam" ? 0 : 0.1);
}

Deno.test("TPE beats random search on a smooth objective (same budget, 5 seeds)", async () => {
  let tpeWins = 0;
  let tpeTotal = 0;
  let randomTotal = 0;
  for (let seed = 1; seed <= 5; seed++) {
    const best = async (algo: "tpe" | "random") => {
      const dir = await Deno.makeTempDir();
      const records = await runSearch({
        space: SEED_SPACE,
        maxEvals: 40,
        logPath: `${dir}/t.jsonl`,
        algo,
        seed,
        progress: false,
        evaluate: (params) => Promise.resolve({ accuracy: objective(params) }),
      });
      return Math.max(...records.map((r) => r.accuracy!));
    };
    const [t, r] = [await best("tpe"), await best("random")];
    tpeTotal += t;
    randomTotal += r;
    if (t > r) tpeWins++;
  }
  assertOk(tpeTotal > randomTotal, `TPE mean ${tpeTotal / 5} vs random ${randomTotal / 5}`);
  assertOk(tpeWins >= 3, `TPE won ${tpeWins} of 5`);
});
