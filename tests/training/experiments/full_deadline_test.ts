import { join } from "node:path";
import { selectCells, studyCells } from "../../../training/experiments/full/cells.ts";
import { parseDeadline } from "../../../training/experiments/full/eta.ts";
import { runStudy } from "../../../training/experiments/full/runner.ts";
import { ledgerPath, studyStates } from "../../../training/experiments/full/ledger.ts";
import { PARKED_FILE, parkedDir } from "../../../training/experiments/full/parking.ts";
import { cellRunDir, describeState } from "../../../training/experiments/full/state.ts";
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";
import { withTempDir } from "../../temp_dir.ts";
import { type FakeCall, fakeChildren, writeFakeData } from "./full_fixtures.ts";

// In run order: an SVM, a default cell and Model A (which reports PublicTest by epoch).
const CELLS = selectCells(studyCells({ epochs: 3 }), ["svm-raw-5", "default-raw-7", "a-raw-7"]);
const START = Date.parse("2026-12-02T12:40:00Z");
const DEADLINE = new Date(START + 1_000_000);

async function studyPaths(root: string) {
  const paths = { root, data: join(root, "data7"), ledger: join(root, "ledger") };
  await writeFakeData(paths.data);
  return paths;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

const scripts = (calls: FakeCall[]) => calls.map((c) => `${c.script} ${c.args.at(-1)}`);

Deno.test("parseDeadline reads HH:MM as the next such UTC time, or an ISO date and time", async () => {
  const now = new Date("2026-12-02T12:40:00Z");
  assertEquals(parseDeadline("15:20", now).toISOString(), "2026-12-02T15:20:00.000Z");
  assertEquals(parseDeadline("9:05", now).toISOString(), "2026-12-03T09:05:00.000Z");
  assertEquals(
    parseDeadline("2026-12-02T16:00:00Z", now).toISOString(),
    "2026-12-02T16:00:00.000Z",
  );
  await assertThrows(() => parseDeadline("25:00", now), "not a time of day");
  await assertThrows(() => parseDeadline("soon", now), "give HH:MM (UTC) or an ISO date");
  await assertThrows(() => parseDeadline("2026-13-40T00:00", now), "give HH:MM");
});

Deno.test("at the deadline the training under way is parked in the ledger; a later session with no run folder continues it", async () => {
  await withTempDir("fer-deadline-", async (root) => {
    const paths = await studyPaths(root);
    const calls: FakeCall[] = [];
    const log: string[] = [];
    // Call 2 is default-raw-7's training, which the deadline stops after 1 epoch.
    const outcome = await runStudy(CELLS, {
      paths,
      workers: 2,
      svmLimit: 0,
      runChild: fakeChildren(root, CELLS, calls, 2, "deadline"),
      log: (line) => log.push(line),
      deadline: DEADLINE,
      now: () => START,
    });
    const parked = parkedDir(paths.ledger, "default-raw-7");
    assertEquals(outcome.complete, false);
    assertEquals(outcome.finished, ["svm-raw-5"]);
    assertEquals(outcome.deadlineReached, { cell: "default-raw-7", parkedIn: parked });
    assertEquals(outcome.stopped, undefined);
    // A default cell keeps no epochs, so nothing is scored before parking.
    assertEquals(calls.map((c) => c.script), ["commands/experiments.ts", "commands/train.ts"]);
    assertOk(log.some((l) => l.includes("stopped at the deadline 2026-12-02 12:56 UTC; parked")));
    const record = JSON.parse(await Deno.readTextFile(join(parked, PARKED_FILE)));
    assertEquals(
      [record.id, record.epochsDone, record.step, record.dataSha256],
      ["default-raw-7", 1, 100, "ab".repeat(32)],
    );
    for (const file of ["config.json", "history.json", "checkpoint/state.json"]) {
      assertOk(await exists(join(parked, file)), file);
    }

    // The same machine, right after parking: its run folder is the parked run.
    const sameMachine = await studyStates(CELLS, paths, 0);
    assertEquals(describeState(CELLS[1], sameMachine[1]), "parked in the ledger (1/3 epochs)");
    // Once that run trains on past the parked checkpoint, it is in progress again.
    const runState = join(cellRunDir(root, CELLS[1]), "checkpoint", "state.json");
    const moved = { ...JSON.parse(await Deno.readTextFile(runState)), step: 150 };
    await Deno.writeTextFile(runState, JSON.stringify(moved));
    const trainedOn = await studyStates(CELLS, paths, 0);
    assertEquals(describeState(CELLS[1], trainedOn[1]), "in progress (1/3 epochs)");

    // A new machine: the run folders are gone, the ledger (committed) is not.
    await Deno.remove(join(root, "cells"), { recursive: true });
    const states = await studyStates(CELLS, paths, 0);
    assertEquals(describeState(CELLS[1], states[1]), "parked in the ledger (1/3 epochs)");
    const next: FakeCall[] = [];
    const nextLog: string[] = [];
    const rest = await runStudy(CELLS, {
      paths,
      workers: 2,
      svmLimit: 0,
      runChild: fakeChildren(root, CELLS, next),
      log: (line) => nextLog.push(line),
    });
    assertEquals([rest.complete, rest.finished], [true, ["default-raw-7", "a-raw-7"]]);
    assertOk(nextLog.some((l) => l.startsWith("default-raw-7: restored from")), nextLog.join("\n"));
    assertEquals(next[0].args.slice(0, 2), ["--run-dir", cellRunDir(root, CELLS[1])]);
    // Recording the finished cell ends its parking.
    assertOk(await exists(ledgerPath(paths.ledger, "default-raw-7")));
    assertOk(!await exists(parked), "the parked folder outlived the recorded cell");
  });
});

Deno.test("a per-epoch cell's kept epochs are scored on PublicTest before it is parked", async () => {
  await withTempDir("fer-deadline-", async (root) => {
    const paths = await studyPaths(root);
    const cells = [CELLS[2]];
    const calls: FakeCall[] = [];
    const outcome = await runStudy(cells, {
      paths,
      workers: 2,
      svmLimit: 0,
      runChild: fakeChildren(root, cells, calls, 1, "deadline"),
      log: () => {},
      deadline: DEADLINE,
      now: () => START,
    });
    assertEquals(outcome.deadlineReached?.cell, "a-raw-7");
    assertEquals(scripts(calls), [
      "commands/train.ts 2",
      "experiments/full/score_run.ts --epochs-only",
    ]);
    const parked = parkedDir(paths.ledger, "a-raw-7");
    const scores = JSON.parse(await Deno.readTextFile(join(parked, "publictest-epochs.json")));
    assertEquals(scores, [{ epoch: 1, accuracy: 0.4 }]);
  });
});

Deno.test("no cell starts once the deadline has passed, and a finished training is not parked", async () => {
  await withTempDir("fer-deadline-", async (root) => {
    const paths = await studyPaths(root);
    const calls: FakeCall[] = [];
    const late = await runStudy(CELLS, {
      paths,
      workers: 2,
      svmLimit: 0,
      runChild: fakeChildren(root, CELLS, calls),
      log: () => {},
      deadline: DEADLINE,
      now: () => DEADLINE.getTime(),
    });
    assertEquals([late.complete, late.finished, late.deadlineReached], [false, [], {}]);
    assertEquals(calls, []);

    // The deadline reaching a training that then exits 0 (it had finished): the cell is done.
    const finishing = fakeChildren(root, CELLS, calls);
    let clock = START;
    const outcome = await runStudy([CELLS[1]], {
      paths,
      workers: 2,
      svmLimit: 0,
      runChild: async (script, args, options) => {
        const result = await finishing(script, args, options);
        clock = DEADLINE.getTime();
        return script === "commands/train.ts" ? { ...result, stop: "deadline" } : result;
      },
      log: () => {},
      deadline: DEADLINE,
      now: () => clock,
    });
    assertEquals([outcome.complete, outcome.finished], [true, ["default-raw-7"]]);
    assertOk(!await exists(parkedDir(paths.ledger, "default-raw-7")));
  });
});
