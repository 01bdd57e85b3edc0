import { assertEquals, assertOk } from "../assert.ts";
import { confusionSvg, curvesSvg } from "../../training/charts.ts";
import { reportFromConfusion } from "../../training/metrics.ts";

Deno.test("confusionSvg names every class in full as row and column, with counts and row shares", () => {
  const labels = ["sad", "surprise", "happiness"];
  const report = reportFromConfusion([[3, 1, 0], [0, 4, 0], [1, 1, 2]], labels);
  const svg = confusionSvg(report);
  for (const label of labels) {
    assertEquals(svg.split(`>${label}</text>`).length - 1, 2, `${label} appears as row and column`);
  }
  assertOk(svg.includes(">75%</text>"), "row share of the first cell (3 of 4)");
  assertOk(svg.includes("accuracy 75.00%"), "overall accuracy (9 of 12)");
});

Deno.test("curvesSvg draws one polyline per series and panel", () => {
  const history = [1, 2, 3].map((epoch) => ({
    epoch,
    trainLoss: 2 / epoch,
    trainAccuracy: 0.3 * epoch,
    valLoss: 2.2 / epoch,
    valAccuracy: 0.25 * epoch,
    learningRate: 0.001,
    seconds: 1,
    imagesPerSecond: 100,
  }));
  const svg = curvesSvg(history);
  assertEquals(svg.split("<polyline").length - 1, 4);
  assertOk(svg.includes("PublicTest"));
});
