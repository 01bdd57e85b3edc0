import { join } from "node:path";
import { SEED_SPACE } from "../../../training/optimize/space.ts";
import { bestTrial, runSearch, type TrialRecord } from "../../../training/optimize/search.ts";
import { readJsonLines } from "../../../training/experiments/jsonl.ts";
import { searchSvg } from "../../../training/optimize/chart.ts";
import { splitArgs } from "../../../training/optimize/args.ts";
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";

const score = (p: Record<string, number | string>) =>
  1 - Math.abs(Math.log10(p.learningRate as number) + 3) / 5;

Deno.test("a search logs every trial and resumes to --max-evals with continuing trial numbers", async () => {
  const dir = await Deno.makeTempDir();
  const logPath = join(dir, "trials.jsonl");
  const evaluate = (p: Record<string, number | string>) => Promise.resolve({ accuracy: score(p) });
  const first = await runSearch({
    space: SEED_SPACE,
    maxEvals: 4,
    logPath,
    evaluate,
    progress: false,
  });
  assertEquals(first.map((r) => r.trial), [0, 1, 2, 3]);
  const seen: number[] = [];
  const all = await runSearch({
    space: SEED_SPACE,
    maxEvals: 7,
    logPath,
    progress: false,
    evaluate: (p, trial) => {
      seen.push(trial);
      return evaluate(p);
    },
  });
  assertEquals(seen, [4, 5, 6]);
  assertEquals(all.map((r) => r.trial), [0, 1, 2, 3, 4, 5, 6]);
  assertEquals((await readJsonLines<TrialRecord>(logPath)).length, 7);
  // The resumed trials draw exactly what an uninterrupted search would have drawn.
  const dir2 = await Deno.makeTempDir();
  const straight = await runSearch({
    space: SEED_SPACE,
    maxEvals: 7,
    logPath: join(dir2, "t.jsonl"),
    evaluate,
    progress: false,
  });
  assertEquals(straight.map((r) => r.params), all.map((r) => r.params));
  assertEquals(bestTrial(all)!.accuracy, Math.max(...all.map((r) => r.accuracy!)));
});

Deno.test("parallel trials overlap up to the limit and failures are logged, not fatal", async () => {
  const dir = await Deno.makeTempDir();
  let running = 0;
  let peak = 0;
  const records = await runSearch({
    space: SEED_SPACE,
    maxEvals: 6,
    parallel: 2,
    logPath: join(dir, "t.jsonl"),
    progress: false,
    evaluate: async (p, trial) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      if (trial === 2) throw new Error("out of memory");
      return { accuracy: score(p) };
    },
  });
  assertEquals(peak, 2);
  assertEquals(records.length, 6);
  const failed = records.filter((r) => r.status === "error");
  assertEquals(failed.map((r) => [r.trial, r.error]), [[2, "out of memory"]]);
  await assertThrows(
    () =>
      runSearch({
        space: SEED_SPACE,
        maxEvals: 0,
        logPath: "x",
        evaluate: () => Promise.resolve({ accuracy: 0 }),
      }),
    "max-evals",
  );
});

Deno.test("splitArgs separates search flags from train flags", () => {
  assertEquals(splitArgs(["--max-evals", "5", "--model", "b", "--parallel=2", "--epochs", "1"]), {
    search: ["--max-evals", "5", "--parallel=2"],
    train: ["--model", "b", "--epochs", "1"],
  });
});

Deno.test("searchSvg draws one dot per trial and the best-so-far line", () => {
  const records: TrialRecord[] = [0.3, 0.5, 0.4].map((accuracy, trial) => ({
    trial,
    params: {},
    status: "ok",
    accuracy,
    seconds: 1,
    algo: "random",
    finishedAt: "",
  }));
  records.push({ ...records[0], trial: 3, status: "error", accuracy: undefined, error: "x" });
  const svg = searchSvg(records, "t");
  assertEquals((svg.match(/<circle/g) ?? []).length, 4);
  assertOk(svg.includes('<path d="M'));
  assertOk(svg.includes("trial 3: failed"));
});
