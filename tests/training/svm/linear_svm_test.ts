import {
  applyStandardizer,
  decisionValues,
  featureMatrix,
  fitStandardizer,
  predictLinearSvm,
  trainBinarySvm,
  trainLinearSvm,
} from "../../../training/svm/mod.ts";
import type { PreparedSplit } from "../../../training/data/cache.ts";
import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../../assert.ts";

/** Deterministic Gaussian-ish blobs: class k centred at `centres[k]`. */
function blobs(centres: number[][], perClass: number, spread: number, seed = 7) {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  const d = centres[0].length;
  const x = new Float32Array(centres.length * perClass * d);
  const labels = new Uint8Array(centres.length * perClass);
  centres.forEach((centre, k) => {
    for (let n = 0; n < perClass; n++) {
      const i = k * perClass + n;
      labels[i] = k;
      for (let j = 0; j < d; j++) x[i * d + j] = centre[j] + spread * (rand() + rand() + rand());
    }
  });
  return { x, labels, count: centres.length * perClass, d };
}

Deno.test("two points: the max-margin solution w = 1, b = 0", () => {
  // x = +1 (y = +1) and x = -1 (y = -1). With the bias regularised too (LIBLINEAR's B = 1) the
  // problem is min 1/2 (w² + b²) s.t. w + b >= 1, w - b >= 1, whose optimum is w = 1, b = 0.
  const { w, converged } = trainBinarySvm(
    new Float32Array([1, -1]),
    2,
    1,
    new Int8Array([1, -1]),
    { c: 100, tolerance: 1e-6, loss: "hinge" },
  );
  assertOk(converged);
  assertAlmostEquals(w[0], 1, 1e-4);
  assertAlmostEquals(w[1], 0, 1e-4);
});

Deno.test("hinge loss: dual coordinate descent reaches the optimum (primal and dual objectives meet)", () => {
  const { x, labels, count, d } = blobs([[0, 0, 0], [1, 1, 0.5]], 60, 1.2);
  const y = Int8Array.from(labels, (l) => (l === 1 ? 1 : -1));
  const c = 0.5;
  const { w, alpha, converged, passes } = trainBinarySvm(x, count, d, y, {
    c,
    loss: "hinge",
    tolerance: 1e-4,
    maxPasses: 5000,
  });
  assertOk(converged, `not converged after ${passes} passes`);
  let primal = 0;
  for (let j = 0; j <= d; j++) primal += 0.5 * w[j] * w[j];
  let hinge = 0;
  for (let i = 0; i < count; i++) {
    let f = w[d];
    for (let j = 0; j < d; j++) f += w[j] * x[i * d + j];
    hinge += Math.max(0, 1 - y[i] * f);
  }
  primal += c * hinge;
  let dual = 0;
  for (let j = 0; j <= d; j++) dual -= 0.5 * w[j] * w[j];
  for (let i = 0; i < count; i++) {
    dual += alpha[i];
    assertOk(alpha[i] >= 0 && alpha[i] <= c, `alpha ${alpha[i]} outside [0, C]`);
  }
  // Overlapping blobs, so some alpha hit C: a real soft-margin problem.
  assertOk(alpha.some((a) => a === c), "no alpha at C");
  assertOk(primal - dual >= -1e-9 && primal - dual < 1e-3 * primal, `gap ${primal - dual}`);
});

Deno.test("squared hinge (default): primal and dual objectives meet", () => {
  const { x, labels, count, d } = blobs([[0, 0, 0], [1, 1, 0.5]], 60, 1.2);
  const y = Int8Array.from(labels, (l) => (l === 1 ? 1 : -1));
  const c = 0.5;
  const { w, alpha, converged } = trainBinarySvm(x, count, d, y, { c, tolerance: 1e-5 });
  assertOk(converged);
  let norm = 0;
  for (let j = 0; j <= d; j++) norm += w[j] * w[j];
  let loss = 0;
  let dual = -0.5 * norm;
  for (let i = 0; i < count; i++) {
    let f = w[d];
    for (let j = 0; j < d; j++) f += w[j] * x[i * d + j];
    loss += Math.max(0, 1 - y[i] * f) ** 2;
    dual += alpha[i] - (alpha[i] * alpha[i]) / (4 * c);
    assertOk(alpha[i] >= 0);
  }
  const primal = 0.5 * norm + c * loss;
  assertOk(primal - dual >= -1e-9 && primal - dual < 1e-3 * primal, `gap ${primal - dual}`);
});

Deno.test("one-vs-rest separates three blobs and predicts by the largest decision value", () => {
  const train = blobs([[0, 0], [4, 0], [0, 4]], 40, 1, 3);
  const model = trainLinearSvm(train.x, train.count, train.d, train.labels, 3, { c: 1 });
  assertEquals(model.converged, [true, true, true], `passes ${model.passes}`);
  const test = blobs([[0, 0], [4, 0], [0, 4]], 30, 1, 11);
  const predicted = predictLinearSvm(model, test.x, test.count);
  const correct = predicted.filter((p, i) => p === test.labels[i]).length;
  assertOk(correct / test.count > 0.95, `accuracy ${correct / test.count}`);
  const values = decisionValues(model, test.x.subarray(0, 2), 1);
  assertEquals(predicted[0], values.indexOf(Math.max(...values)));
});

Deno.test("training is deterministic for a seed", () => {
  const { x, labels, count, d } = blobs([[0, 0], [1, 1]], 30, 1.5);
  const a = trainLinearSvm(x, count, d, labels, 2, { seed: 5 });
  const b = trainLinearSvm(x, count, d, labels, 2, { seed: 5 });
  assertEquals([...a.weights], [...b.weights]);
});

Deno.test("bad input gets a clear error", async () => {
  const x = new Float32Array(6);
  await assertThrows(() => trainLinearSvm(x, 3, 3, [0, 1, 0], 2), "do not form 3 x 3");
  await assertThrows(() => trainLinearSvm(x, 3, 2, [0, 1], 2), "2 labels for 3 rows");
  await assertThrows(() => trainLinearSvm(x, 3, 2, [0, 1, 2], 2), "label 2 of row 2");
  await assertThrows(() => trainLinearSvm(x, 3, 2, [0, 0, 0], 1), "need >= 2 classes");
  await assertThrows(() => trainBinarySvm(x, 3, 2, new Int8Array(3), { c: 0 }), "C must be > 0");
});

Deno.test("standardizer: zero mean, unit variance on training columns; constant columns -> 0", () => {
  const x = new Float32Array([1, 5, 3, 5, 5, 5]);
  const s = fitStandardizer(x, 3, 2);
  assertEquals([...s.mean], [3, 5]);
  assertEquals(s.std[1], 1);
  const z = applyStandardizer(s, x);
  assertAlmostEquals(z[0], -Math.sqrt(1.5), 1e-6);
  assertAlmostEquals(z[2], 0, 1e-6);
  assertEquals([z[1], z[3], z[5]], [0, 0, 0]);
  throwsSync(() => applyStandardizer(s, new Float32Array(3)));
});

function throwsSync(fn: () => unknown) {
  let threw = false;
  try {
    fn();
  } catch {
    threw = true;
  }
  assertOk(threw, "expected a throw");
}

Deno.test("featureMatrix concatenates pixel and feature blocks for chosen rows", async () => {
  const images = new Uint8Array(3 * 2304);
  images[2304] = 255;
  const split: PreparedSplit = {
    split: "Training",
    count: 3,
    images,
    labels: new Uint8Array([0, 1, 2]),
    features: { hog: new Float32Array([1, 2, 3, 4, 5, 6]) },
  };
  const m = featureMatrix(split, ["hog", "pixels"], [1, 2]);
  assertEquals([m.count, m.dimension], [2, 2306]);
  assertEquals([m.x[0], m.x[1], m.x[2], m.x[3]], [3, 4, 1, 0]);
  assertEquals([m.x[2306], m.x[2307]], [5, 6]);
  await assertThrows(() => featureMatrix(split, ["landmarks"]), "not loaded");
  await assertThrows(() => featureMatrix(split, []), "no feature blocks");
  await assertThrows(() => featureMatrix(split, ["hog"], [3]), "row 3 out of range");
});
