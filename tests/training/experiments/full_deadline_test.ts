import { join } from "node:path";
import { selectCells, studyCells } from "../../../training/experiments/full/cells.ts";
import { estimateCells, parseDeadline } from "../../../training/experiments/full/eta.ts";
import { runStudy } from "../../../training/experiments/full/runner.ts";
import { studyStates } from "../../../training/experiments/full/ledger.ts";
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";
import { withTempDir } from "../../temp_dir.ts";
import { type FakeCall, fakeChildren } from "./full_fixtures.ts";

// In run order: an SVM (assumed 4 min), Model A (3 epochs, ~27 min), a default cell (~12 min).
const CELLS = selectCells(studyCells({ epochs: 3 }), [
  "svm-raw-5",
  "a-raw-7",
  "default-nobn-raw-7",
]);

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

Deno.test("with a deadline, cells that would end after it are left for later and cheaper ones run", async () => {
  await withTempDir("fer-deadline-", async (root) => {
    const paths = { root, data: join(root, "data7"), ledger: join(root, "ledger") };
    const start = Date.parse("2026-12-02T12:40:00Z");
    const states = await studyStates(CELLS, paths, 0);
    const seconds = estimateCells(CELLS, states, 2).seconds;
    // Room for the SVM and the default cell, not for Model A.
    assertOk(seconds[0] + seconds[2] < 1000 && seconds[1] > 1000);
    const calls: FakeCall[] = [];
    const log: string[] = [];
    const outcome = await runStudy(CELLS, {
      paths,
      workers: 2,
      svmLimit: 0,
      runChild: fakeChildren(root, CELLS, calls),
      log: (line) => log.push(line),
      deadline: new Date(start + 1_000_000),
      now: () => start,
    });
    assertEquals(outcome.complete, false);
    assertEquals(outcome.finished, ["svm-raw-5", "default-nobn-raw-7"]);
    assertEquals(outcome.deferred, ["a-raw-7"]);
    assertEquals(outcome.stopped, undefined);
    assertEquals(calls.map((c) => c.script), [
      "commands/experiments.ts",
      "commands/train.ts",
      "experiments/full/score_run.ts",
    ]);
    assertOk(
      log.some((l) =>
        /a-raw-7: left for later, about \d+ min would end after 2026-12-02 12:56 UTC/.test(l)
      ),
    );

    // Without the deadline the next call runs what was left.
    const rest = await runStudy(CELLS, {
      paths,
      workers: 2,
      svmLimit: 0,
      runChild: fakeChildren(root, CELLS, []),
      log: () => {},
    });
    assertEquals([rest.complete, rest.finished], [true, ["a-raw-7"]]);
  });
});
