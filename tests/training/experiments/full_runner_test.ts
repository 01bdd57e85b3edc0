import { join } from "node:path";
import { selectCells, studyCells } from "../../../training/experiments/full/cells.ts";
import { cellCommand, runStudy } from "../../../training/experiments/full/runner.ts";
import { cellState, type StudyPaths } from "../../../training/experiments/full/state.ts";
import {
  ASSUMED_EPOCH_SECONDS,
  estimateRemaining,
} from "../../../training/experiments/full/eta.ts";
import { StudyLock } from "../../../training/experiments/full/child.ts";
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";
import { withTempDir } from "../../temp_dir.ts";
import {
  CLASS_NAMES,
  type FakeCall,
  fakeChildren,
  fakePredictions,
  writeFakeRun,
  writeFakeScores,
} from "./full_fixtures.ts";

const CELLS = selectCells(studyCells({ epochs: 3 }), [
  "svm-raw-5",
  "default-raw-5",
  "default-lm-7",
  "a-raw-7",
]);

function paths(root: string): StudyPaths {
  return { root, data: join(root, "data7") };
}

/** `SCRIPT RUN-FOLDER` of each call (the folder follows --run-dir, or comes first). */
const runs = (calls: FakeCall[]) =>
  calls.map((c) =>
    `${c.script.replace(/.*\//, "")} ${c.args[0] === "--run-dir" ? c.args[1] : c.args[0]}`
  );

Deno.test("runStudy runs each cell in order, train then score, and a re-run runs nothing", async () => {
  await withTempDir("fer-study-", async (root) => {
    const calls: FakeCall[] = [];
    const log: string[] = [];
    const options = {
      paths: paths(root),
      workers: 1 as const,
      svmLimit: 0,
      runChild: fakeChildren(root, CELLS, calls),
      log: (l: string) => log.push(l),
    };
    const first = await runStudy(CELLS, options);
    assertOk(first.complete);
    assertEquals(first.finished, CELLS.map((c) => c.id));
    assertEquals(calls.map((c) => c.script), [
      "commands/experiments.ts",
      "commands/train.ts",
      "experiments/full/score_run.ts",
      "commands/train.ts",
      "experiments/full/score_run.ts",
      "commands/train.ts",
      "experiments/full/score_run.ts",
    ]);
    // Model A is scored at every epoch; the others at the chosen one.
    assertEquals(calls[6].args.slice(1), ["--per-epoch"]);
    assertEquals(calls[2].args.slice(1), []);
    assertOk(log[0].startsWith("grid [1/4] svm-raw-5: not started; 0 of 4 cells done, about "));
    const again: FakeCall[] = [];
    const second = await runStudy(CELLS, {
      ...options,
      runChild: fakeChildren(root, CELLS, again),
    });
    assertOk(second.complete);
    assertEquals([second.finished, again], [[], []]);
  });
});

Deno.test("a stopped cell stops the study and the next call resumes it with --resume", async () => {
  await withTempDir("fer-study-", async (root) => {
    const calls: FakeCall[] = [];
    const options = { paths: paths(root), workers: 2 as const, svmLimit: 0 };
    // Call 4 is default-lm-7's training: it saves one epoch and is stopped.
    const stopped = await runStudy(CELLS, {
      ...options,
      runChild: fakeChildren(root, CELLS, calls, 4),
    });
    assertEquals(stopped.complete, false);
    assertEquals([stopped.stopped?.cell, stopped.stopped?.stop], ["default-lm-7", "SIGTERM"]);
    assertEquals(stopped.finished, ["svm-raw-5", "default-raw-5"]);
    assertEquals(calls.length, 4, "nothing runs after the stop");
    const lm7 = CELLS[2];
    assertEquals((await cellState(lm7, root)).phase, "training");
    const resumed: FakeCall[] = [];
    const outcome = await runStudy(CELLS, {
      ...options,
      runChild: fakeChildren(root, CELLS, resumed),
    });
    assertOk(outcome.complete);
    assertEquals(outcome.finished, ["default-lm-7", "a-raw-7"]);
    assertEquals(resumed[0].args, cellCommand(lm7, paths(root), 2).args);
    assertEquals(resumed[0].args.slice(0, 3), [
      "--run-dir",
      join(root, "cells", lm7.id),
      "--resume",
    ]);
  });
});

Deno.test("a trained but unscored cell is only scored; an unexported one is trained again", async () => {
  await withTempDir("fer-study-", async (root) => {
    const p = paths(root);
    const [svm, raw5, lm7, a7] = CELLS;
    const calls: FakeCall[] = [];
    const children = fakeChildren(root, CELLS, calls);
    await children(...Object.values(cellCommand(svm, p, 1)) as [string, string[]]);
    for (const cell of [raw5, lm7, a7]) {
      await writeFakeRun(cellCommand(cell, p, 1).args, 3, { exported: cell !== lm7 });
    }
    await writeFakeScores(root, raw5, fakePredictions(10, [...CLASS_NAMES[5]], () => true));
    calls.length = 0;
    const outcome = await runStudy(CELLS, {
      paths: p,
      workers: 1,
      svmLimit: 0,
      runChild: children,
    });
    assertOk(outcome.complete);
    const dir = (cell: typeof raw5) => join(root, "cells", cell.id);
    assertEquals(runs(calls), [
      `train.ts ${dir(lm7)}`,
      `score_run.ts ${dir(lm7)}`,
      `score_run.ts ${dir(a7)}`,
    ]);
    assertEquals(calls[2].args, [join(root, "cells", a7.id), "--per-epoch"]);
  });
});

Deno.test("a per-epoch cell with an epoch left unscored is not done", async () => {
  await withTempDir("fer-study-", async (root) => {
    const a7 = CELLS[3];
    const dir = await writeFakeRun(cellCommand(a7, paths(root), 1).args, 3, { exported: true });
    await writeFakeScores(root, a7, fakePredictions(10, [...CLASS_NAMES[7]], () => true));
    assertEquals((await cellState(a7, root)).phase, "done");
    const scores = JSON.parse(await Deno.readTextFile(join(dir, "publictest-epochs.json")));
    await Deno.writeTextFile(join(dir, "publictest-epochs.json"), JSON.stringify(scores.slice(1)));
    assertEquals((await cellState(a7, root)).phase, "scoring");
  });
});

Deno.test("a run folder started with other flags is refused, not continued", async () => {
  await withTempDir("fer-study-", async (root) => {
    const p = paths(root);
    const raw5 = CELLS[1];
    const args = cellCommand(raw5, p, 1).args;
    const other = args.map((a, i) => args[i - 1] === "--lr" ? "0.002" : a);
    await writeFakeRun(other, 1);
    const calls: FakeCall[] = [];
    await assertThrows(
      () =>
        runStudy([raw5], {
          paths: p,
          workers: 1,
          svmLimit: 0,
          runChild: fakeChildren(root, CELLS, calls),
        }),
      "learningRate 0.002 there, 0.0007 now",
    );
    assertEquals(calls, []);
  });
});

Deno.test("the time to go uses measured epochs where they exist, the docs' figures elsewhere", async () => {
  await withTempDir("fer-study-", async (root) => {
    const cells = selectCells(studyCells(), ["default-raw-7", "default-lm-7", "b-raw-7"]);
    const states = async () => await Promise.all(cells.map((c) => cellState(c, root)));
    const before = estimateRemaining(cells, await states(), 2);
    assertEquals(
      before.seconds,
      2 * 25 * ASSUMED_EPOCH_SECONDS.default + 13 * ASSUMED_EPOCH_SECONDS.b,
    );
    // 5 epochs of 120 s measured (fakeHistory): the default cells now count 120 s an epoch.
    await writeFakeRun(cellCommand(cells[0], paths(root), 2).args, 5);
    const after = estimateRemaining(cells, await states(), 2);
    assertEquals(after.seconds, (20 + 25) * 120 + 13 * ASSUMED_EPOCH_SECONDS.b);
    assertEquals(after.basis, "measured default; assumed b from docs/models.md");
  });
});

Deno.test("the study lock refuses a root while another deno process recorded in it lives", async () => {
  await withTempDir("fer-study-", async (root) => {
    const other = new Deno.Command(Deno.execPath(), {
      args: ["eval", "await new Promise((r) => setTimeout(r, 20000))"],
    }).spawn();
    try {
      await Deno.writeTextFile(
        join(root, "study.lock"),
        JSON.stringify({ pid: 1, child: other.pid }),
      );
      await assertThrows(() => StudyLock.acquire(root), `process ${other.pid} is still working`);
    } finally {
      other.kill("SIGKILL");
      await other.status;
    }
    // Its processes are gone (a killed session): the lock is taken over, and given back.
    const lock = await StudyLock.acquire(root);
    assertEquals(JSON.parse(await Deno.readTextFile(join(root, "study.lock"))), { pid: Deno.pid });
    await lock.release();
    await assertThrows(() => Deno.stat(join(root, "study.lock")));
  });
});
