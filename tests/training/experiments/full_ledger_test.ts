import { join } from "node:path";
import { selectCells, studyCells } from "../../../training/experiments/full/cells.ts";
import {
  compactPredictions,
  expandPredictions,
  ledgerPath,
  readLedger,
  studyStates,
} from "../../../training/experiments/full/ledger.ts";
import { compareCells, runPairs } from "../../../training/experiments/full/paired.ts";
import { runStudy } from "../../../training/experiments/full/runner.ts";
import { fullStudyMain } from "../../../training/experiments/full/main.ts";
import type { StudyPaths } from "../../../training/experiments/full/state.ts";
import { comparePairFiles } from "../../../training/compare/models.ts";
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";
import { withTempDir } from "../../temp_dir.ts";
import { CLASS_NAMES, type FakeCall, fakeChildren, fakePredictions } from "./full_fixtures.ts";

const CELLS = selectCells(studyCells({ epochs: 3 }), [
  "svm-raw-7",
  "default-raw-7",
  "default-lm-7",
  "a-raw-7",
]);

function paths(root: string): StudyPaths {
  return { root, data: join(root, "data7"), ledger: join(root, "ledger") };
}

const quiet = { log: () => {} };

Deno.test("compactPredictions packs one digit per image and expandPredictions restores it", async () => {
  const classes = [...CLASS_NAMES[7]];
  const run = fakePredictions(50, classes, (i) => i % 3 !== 0, 4);
  run.items[7].predicted = null;
  run.accuracy = run.items.filter((r) => r.label === r.predicted).length / 50;
  const packed = compactPredictions(run, classes);
  assertEquals([packed.truth.length, packed.predicted[7], packed.epoch], [50, "-", 4]);
  assertEquals(expandPredictions(packed, "x"), run);
  await assertThrows(
    () => expandPredictions({ ...packed, accuracy: packed.accuracy + 0.02 }, "x.json"),
    "x.json: its answers score",
  );
  await assertThrows(
    () => compactPredictions({ ...run, items: run.items.slice(1) }, classes),
    "item 0 has id 1",
  );
});

Deno.test("a recorded cell stays done, with its answers, after its run folder is gone", async () => {
  await withTempDir("fer-ledger-", async (root) => {
    const calls: FakeCall[] = [];
    const options = { paths: paths(root), workers: 1 as const, svmLimit: 0, ...quiet };
    const first = await runStudy(CELLS, { ...options, runChild: fakeChildren(root, CELLS, calls) });
    assertOk(first.complete);
    for (const cell of CELLS) assertOk(await Deno.stat(ledgerPath(paths(root).ledger!, cell.id)));
    const before = await studyStates(CELLS, paths(root), 0);
    const fromFiles = await comparePairFiles(
      join(root, "cells", "default-raw-7", "publictest.json"),
      join(root, "cells", "default-lm-7", "publictest.json"),
    );

    // A new session: the run folders and the SVM log are gone, the committed ledger is not.
    await Deno.remove(join(root, "cells"), { recursive: true });
    await Deno.remove(join(root, "svm"), { recursive: true });
    const again: FakeCall[] = [];
    const second = await runStudy(CELLS, {
      ...options,
      runChild: fakeChildren(root, CELLS, again),
    });
    assertOk(second.complete);
    assertEquals([second.finished, again.length], [[], 0]);
    const after = await studyStates(CELLS, paths(root), 0);
    assertEquals(after.map((s) => s.phase), ["done", "done", "done", "done"]);
    assertEquals(after.map((s) => s.predictions), before.map((s) => s.predictions));
    assertEquals(after[0].svm?.accuracy, before[0].svm?.accuracy);
    assertEquals(after[3].epochScores, before[3].epochScores);

    const views = CELLS.map((cell, i) => ({ cell, state: after[i] }));
    assertEquals(compareCells(views[1], views[2]), fromFiles.result);
    const pairs = runPairs(views);
    assertEquals(pairs.length, 1);
    assertEquals(pairs[0].result, fromFiles.result);

    // Without the ledger, the same root has nothing done.
    const bare = await studyStates(CELLS, { root, data: join(root, "data7") }, 0);
    assertEquals(bare.map((s) => s.phase), ["pending", "pending", "pending", "pending"]);
  });
});

Deno.test("a cell recorded with other flags does not count and runs again", async () => {
  await withTempDir("fer-ledger-", async (root) => {
    const options = { paths: paths(root), workers: 1 as const, svmLimit: 0, ...quiet };
    await runStudy(CELLS, { ...options, runChild: fakeChildren(root, CELLS, []) });
    await Deno.remove(join(root, "cells"), { recursive: true });
    const longer = selectCells(studyCells({ epochs: 4 }), ["default-raw-7"]);
    const notes: string[] = [];
    assertEquals((await readLedger(paths(root).ledger!, longer, (l) => notes.push(l))).size, 0);
    assertOk(
      notes[0].endsWith(
        "recorded with other flags than default-raw-7 now has; the cell runs again",
      ),
    );
    const calls: FakeCall[] = [];
    const outcome = await runStudy(longer, {
      ...options,
      log: () => {},
      runChild: fakeChildren(root, longer, calls),
    });
    assertEquals(outcome.finished, ["default-raw-7"]);
    assertEquals(calls.map((c) => c.script), [
      "commands/train.ts",
      "experiments/full/score_run.ts",
    ]);
    const entry = JSON.parse(
      await Deno.readTextFile(ledgerPath(paths(root).ledger!, "default-raw-7")),
    );
    assertEquals(entry.flags, longer[0].flags);
  });
});

Deno.test("a run folder that is done but not recorded is recorded on the next look", async () => {
  await withTempDir("fer-ledger-", async (root) => {
    const noLedger = { root, data: join(root, "data7") };
    const options = { paths: noLedger, workers: 1 as const, svmLimit: 0, ...quiet };
    await runStudy(CELLS, { ...options, runChild: fakeChildren(root, CELLS, []) });
    assertEquals((await readLedger(paths(root).ledger!, CELLS)).size, 0);
    await studyStates(CELLS, paths(root), 0);
    assertEquals((await readLedger(paths(root).ledger!, CELLS)).size, 0, "only with record");
    await studyStates(CELLS, paths(root), 0, { record: true });
    assertEquals((await readLedger(paths(root).ledger!, CELLS)).size, 4);
  });
});

Deno.test("a report or a dry run reads the ledger but records nothing", async () => {
  await withTempDir("fer-ledger-", async (root) => {
    const noLedger = { root, data: join(root, "data7") };
    const options = { paths: noLedger, workers: 1 as const, svmLimit: 0, ...quiet };
    const cells = selectCells(studyCells(), ["default-raw-7"]);
    await runStudy(cells, { ...options, runChild: fakeChildren(root, cells, []) });
    const ledger = join(root, "ledger");
    const args = ["--root", root, "--ledger", ledger, "--report-dir", join(root, "report")];
    assertEquals(await fullStudyMain([...args, "--report-only"]), 0);
    assertEquals(await fullStudyMain([...args, "--dry-run"]), 0);
    await assertThrows(() => Deno.stat(ledger), "No such file");
  });
});
