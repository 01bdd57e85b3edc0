import { buildGrid } from "../../../training/experiments/grid.ts";
import type { Budget, CellRunner, GridData } from "../../../training/experiments/cells.ts";
import { runGrid, sameBudget } from "../../../training/experiments/driver.ts";
import { readJsonLines } from "../../../training/experiments/jsonl.ts";
import { markdownReport, reportSvg, seedTables } from "../../../training/experiments/report.ts";
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";

const BUDGET: Budget = {
  epochs: 1,
  limit: 10,
  valLimit: 0,
  svmLimit: 0,
  svmC: 0.1,
  batchSize: 128,
};
const DATA = {} as GridData;

function fakeRunner(calls: string[]): CellRunner {
  return (cell) => {
    calls.push(cell.id);
    // A deterministic, cell-dependent accuracy so tables can be checked.
    const accuracy = (cell.id.length % 10) / 10 + (cell.classes === 5 ? 0.05 : 0);
    return Promise.resolve({ accuracy, trainCount: 10, valCount: 4, epochs: 1 });
  };
}

Deno.test("runGrid logs each cell and a re-run with the same budget resumes", async () => {
  const dir = await Deno.makeTempDir();
  const logPath = `${dir}/results.jsonl`;
  const cells = buildGrid({ models: ["svm", "a"], featureSets: ["raw", "lm"], classes: [5] });
  const first: string[] = [];
  const partial = await runGrid(cells.slice(0, 2), {
    data: DATA,
    budget: BUDGET,
    logPath,
    runner: fakeRunner(first),
    progress: false,
  });
  assertEquals(partial.length, 2);
  const second: string[] = [];
  const reused: string[] = [];
  const all = await runGrid(cells, {
    data: DATA,
    budget: BUDGET,
    logPath,
    runner: fakeRunner(second),
    progress: false,
    onResult: (r, wasReused) => wasReused && reused.push(r.id),
  });
  assertEquals(second, cells.slice(2).map((c) => c.id));
  assertEquals(reused, first);
  assertEquals(all.map((r) => r.id), cells.map((c) => c.id));
  assertEquals((await readJsonLines(logPath)).length, cells.length);
  // A new CNN budget re-runs the CNN cells instead of mixing numbers; the SVM cells stand.
  const third: string[] = [];
  await runGrid(cells, {
    data: DATA,
    budget: { ...BUDGET, epochs: 2 },
    logPath,
    runner: fakeRunner(third),
    progress: false,
  });
  assertEquals(third, cells.filter((c) => c.model !== "svm").map((c) => c.id));
});

Deno.test("readJsonLines drops a torn last line but reports corruption elsewhere", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/a.jsonl`, '{"a":1}\n{"a":2}\n{"a":');
  assertEquals(await readJsonLines(`${dir}/a.jsonl`), [{ a: 1 }, { a: 2 }]);
  await Deno.writeTextFile(`${dir}/b.jsonl`, '{"a":1}\nnot json\n{"a":3}\n');
  await assertThrows(() => readJsonLines(`${dir}/b.jsonl`), "b.jsonl:2");
  assertEquals(await readJsonLines(`${dir}/missing.jsonl`), []);
});

Deno.test("sameBudget compares the fields that affect the cell's model", () => {
  assertOk(sameBudget("svm", BUDGET, { ...BUDGET }));
  assertOk(!sameBudget("svm", BUDGET, { ...BUDGET, svmC: 1 }));
  assertOk(sameBudget("svm", BUDGET, { ...BUDGET, epochs: 9, batchSize: 32 }));
  assertOk(!sameBudget("a", BUDGET, { ...BUDGET, batchSize: 32 }));
  assertOk(sameBudget("b", BUDGET, { ...BUDGET, svmC: 1 }));
});

Deno.test("a CNN-only budget change keeps the SVM results; --report-only runs nothing", async () => {
  const dir = await Deno.makeTempDir();
  const logPath = `${dir}/results.jsonl`;
  const cells = buildGrid({
    models: ["svm", "a"],
    featureSets: ["raw"],
    classes: [7],
    batchNorm: [true],
  });
  await runGrid(cells, {
    data: DATA,
    budget: BUDGET,
    logPath,
    runner: fakeRunner([]),
    progress: false,
  });
  const rerun: string[] = [];
  await runGrid(cells, {
    data: DATA,
    budget: { ...BUDGET, epochs: 3 },
    logPath,
    runner: fakeRunner(rerun),
    progress: false,
  });
  assertEquals(rerun, ["a-bn-raw-7"]);
  const none: string[] = [];
  const shown = await runGrid(
    buildGrid({ models: ["svm", "a", "b"], featureSets: ["raw"], classes: [7] }),
    {
      data: DATA,
      budget: { ...BUDGET, epochs: 3 },
      logPath,
      runner: fakeRunner(none),
      progress: false,
      reportOnly: true,
    },
  );
  assertEquals(none, []);
  assertEquals(shown.map((r) => r.id), ["svm-raw-7", "a-bn-raw-7"]);
});

Deno.test("reports: seed tables, Markdown with budget and compute, one SVG bar per result", async () => {
  const dir = await Deno.makeTempDir();
  const cells = buildGrid({ models: ["svm", "b"], batchNorm: [true], classes: [5, 7] });
  const results = await runGrid(cells.filter((c) => c.id !== "b-bn-lm-hogw-7"), {
    data: DATA,
    budget: BUDGET,
    logPath: `${dir}/r.jsonl`,
    runner: fakeRunner([]),
    progress: false,
  });
  const tables = seedTables(results);
  assertOk(tables.includes("SVM (linear, one-vs-rest)"));
  assertOk(tables.includes("Model B, batch norm"));
  assertOk(!tables.includes("Model A"), "variants without results are left out");
  const svmRaw5 = results.find((r) => r.id === "svm-raw-5")!;
  assertOk(tables.includes(`${(svmRaw5.accuracy * 100).toFixed(1)} %`));
  assertOk(tables.includes("not run"), "the skipped cell shows as not run");
  const md = markdownReport(results, {
    command: "deno task experiments",
    data: "data/x",
    missing: ["b-bn-lm-hogw-7"],
  });
  assertOk(md.includes("SVM svmLimit 0, svmC 0.1"));
  assertOk(md.includes("CNN epochs 1, limit 10, valLimit 0, batchSize 128"));
  assertOk(md.includes("| svm-raw-5 |"));
  assertOk(md.includes("Not run: b-bn-lm-hogw-7."));
  const svg = reportSvg(results);
  assertEquals(
    (svg.match(/<rect x=/g) ?? []).length,
    results.length + 2,
    "bars + 2 legend swatches",
  );
  assertOk(svg.startsWith("<svg"));
});
