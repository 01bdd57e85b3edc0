import { assertEquals, assertOk } from "../assert.ts";
import { buildModel, countMacs, type ModelName } from "../../training/models/mod.ts";

const conv = (k: number, cin: number, cout: number, bias = true) =>
  k * k * cin * cout + (bias ? cout : 0);
const dense = (cin: number, cout: number) => cin * cout + cout;
const bn = (c: number) => 4 * c; // gamma, beta, moving mean, moving variance

function build(name: ModelName, featureLength = 0, batchNorm = true) {
  return buildModel(name, {
    classes: 7,
    featureLength,
    batchNormConv: batchNorm,
    batchNormDense: batchNorm,
    keepProb: 0.8,
    seed: 1,
  });
}

// Expected sizes worked out layer by layer from the seed's definitions (48x48 input, "same" padding,
// 3/2 max-pooling halves 48 -> 24 -> 12 -> 6).
const MODEL_A = conv(5, 1, 64) + bn(64) + conv(5, 64, 64) + bn(64) + conv(4, 64, 128) + bn(128) +
  dense(12 * 12 * 128, 1024) + bn(1024) + dense(1024, 7);
const MODEL_B = conv(3, 1, 64) + bn(64) + conv(3, 64, 128) + bn(128) + conv(3, 128, 256) + bn(256) +
  dense(6 * 6 * 256, 4096) + dense(4096, 1024) + bn(1024) + dense(1024, 7);

Deno.test("Model A has the seed's parameter count, with and without the feature branch", () => {
  assertEquals(build("a").countParams(), MODEL_A);
  const withFeatures = MODEL_A - dense(1024, 7) + dense(1024, 40) + dense(72, 1024) + bn(1024) +
    dense(1024, 40) + bn(40) + dense(80, 7);
  assertEquals(build("a", 72).countParams(), withFeatures);
  const noBn = MODEL_A - bn(64) * 2 - bn(128) - bn(1024);
  assertEquals(build("a", 0, false).countParams(), noBn);
});

Deno.test("Model B has the seed's parameter count, with and without the feature branch", () => {
  assertEquals(build("b").countParams(), MODEL_B);
  const withFeatures = MODEL_B - dense(1024, 7) + dense(1024, 128) + dense(2592, 1024) + bn(1024) +
    dense(1024, 128) + bn(128) + dense(256, 7);
  assertEquals(build("b", 2592).countParams(), withFeatures);
});

Deno.test("the default model fits the product budget: <= 1 MB in uint8, two inputs with features", () => {
  const model = build("default");
  assertOk(model.countParams() < 1_000_000, `${model.countParams()} parameters`);
  assertEquals(model.inputs.length, 1);
  assertEquals(model.outputs[0].shape, [null, 7]);
  const macs = countMacs(model);
  assertOk(macs > 20e6 && macs < 40e6, `${macs} MACs`);
  assertEquals(build("default", 72).inputs.length, 2);
});

Deno.test("the default model's stage channels can be set one by one", () => {
  const shaped = buildModel("default", {
    classes: 7,
    batchNormConv: true,
    batchNormDense: true,
    keepProb: 0.8,
    stageChannels: [16, 32, 64, 160],
    seed: 1,
  });
  const stages = (c: number[]) =>
    c.reduce((sum, out, i) => {
      const cin = i === 0 ? 1 : c[i - 1];
      return sum + conv(3, cin, out, false) + bn(out) + conv(3, out, out, false) + bn(out);
    }, 0);
  const expected = stages([16, 32, 64, 160]) + dense(3 * 3 * 160, 128) + bn(128) + dense(128, 7);
  assertEquals(shaped.countParams(), expected);
  // The shipped shape, counted the same way, is what build("default") gives.
  assertEquals(
    build("default").countParams(),
    stages([16, 32, 64, 128]) + dense(3 * 3 * 128, 128) + bn(128) + dense(128, 7),
  );
});

Deno.test("countMacs counts a convolution by hand", () => {
  // Model A's first layer alone: 48*48 outputs x 64 filters x 5*5*1 taps.
  const a = build("a");
  assertOk(countMacs(a) > 48 * 48 * 64 * 25);
});
