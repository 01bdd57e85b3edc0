import { join } from "node:path";
import { runTraining } from "../../../training/loop/loop.ts";
import {
  parkCell,
  PARKED_FILE,
  parkedDir,
  unparkCell,
} from "../../../training/experiments/full/parking.ts";
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";
import { withTempDir } from "../../temp_dir.ts";
import { syntheticSplit } from "../synthetic.ts";
import { assertSameTraining, tinyTrainConfig, useWasmTraining } from "../tiny_training.ts";
import { writeFakeData, writeFakeRun } from "./full_fixtures.ts";

const LABELS = ["a", "b", "c"];
const CELL = { id: "default-raw-7", flags: ["--model", "default", "--seed", "42"] };

async function names(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) found.push(entry.name);
  return found.sort();
}

Deno.test("a parked run restored into a new folder trains on exactly as if it had not stopped", async () => {
  await useWasmTraining();
  await withTempDir("fer-park-", async (dir) => {
    const train = syntheticSplit("Training", 32, 3, 3);
    const val = syntheticSplit("PublicTest", 12, 3, 4);
    const data = join(dir, "data");
    const otherCopy = join(dir, "data-elsewhere");
    await writeFakeData(data);
    await writeFakeData(otherCopy);
    const common = { train, val, labels: LABELS, progress: false };
    const straight = await runTraining(tinyTrainConfig({ epochs: 3, data }), {
      ...common,
      runDir: join(dir, "straight"),
    });
    const stopped = join(dir, "stopped");
    const partial = await runTraining(tinyTrainConfig({ epochs: 2, data }), {
      ...common,
      runDir: stopped,
      keepEpochs: true,
    });
    partial.model.dispose();
    const ledger = join(dir, "ledger");
    const record = await parkCell(ledger, CELL, stopped);
    assertEquals([record.epochsDone, record.epoch, record.batchInEpoch], [2, 2, 0]);
    // What a resume needs, not the kept epochs' weights or the drawings.
    assertEquals(await names(parkedDir(ledger, CELL.id)), [
      "best",
      "checkpoint",
      "config.json",
      "history.json",
      PARKED_FILE,
    ]);

    await Deno.remove(stopped, { recursive: true });
    const restored = join(dir, "restored");
    const log: string[] = [];
    assertOk(await unparkCell(ledger, CELL, restored, otherCopy, (l) => log.push(l)));
    assertOk(log[0].startsWith(`${CELL.id}: restored from`), log.join("\n"));
    const config = JSON.parse(await Deno.readTextFile(join(restored, "config.json")));
    assertEquals(config.data, otherCopy);
    const resumed = await runTraining(tinyTrainConfig({ epochs: 3, data: otherCopy }), {
      ...common,
      runDir: restored,
      resume: true,
    });
    assertEquals(resumed.history.length, 3);
    // Epochs 1-2 are the stopped run's own records (their timings too): only epoch 3 was trained.
    assertEquals(resumed.history.slice(0, 2), partial.history);
    assertSameTraining(straight.history, resumed.history);
    straight.model.dispose();
    resumed.model.dispose();
  });
});

Deno.test("unparkCell restores only a run that is further along, from the same CSV, as the same cell", async () => {
  await withTempDir("fer-park-", async (dir) => {
    const data = join(dir, "data");
    await writeFakeData(data);
    const ledger = join(dir, "ledger");
    const run = (name: string) => ["--run-dir", join(dir, name), "--data", data, ...CELL.flags];
    const parkedRun = await writeFakeRun(run("parked"), 2);
    await parkCell(ledger, CELL, parkedRun);
    const quiet = () => {};

    // A run folder as far along (step 200) or further is this machine's own and is kept.
    const ahead = await writeFakeRun(run("ahead"), 3);
    assertEquals(await unparkCell(ledger, CELL, ahead, data, quiet), undefined);
    const same = await writeFakeRun(run("same"), 2);
    assertEquals(await unparkCell(ledger, CELL, same, data, quiet), undefined);
    const behind = await writeFakeRun(run("behind"), 1);
    assertEquals((await unparkCell(ledger, CELL, behind, data, quiet))?.step, 200);
    const history = JSON.parse(await Deno.readTextFile(join(behind, "history.json")));
    assertEquals(history.length, 2);

    // Another recipe under the same id does not continue the parked run.
    const notes: string[] = [];
    const changed = { ...CELL, flags: [...CELL.flags, "--epochs", "30"] };
    assertEquals(
      await unparkCell(ledger, changed, join(dir, "new"), data, (l) => notes.push(l)),
      undefined,
    );
    assertOk(notes[0]?.includes("parked with other flags"), notes.join("\n"));

    // Data prepared from another CSV is refused, naming both digests.
    const other = join(dir, "other-data");
    await writeFakeData(other, "cd".repeat(32));
    await assertThrows(
      () => unparkCell(ledger, CELL, join(dir, "fresh"), other, quiet),
      `prepared from a CSV with SHA-256 ${"ab".repeat(32)}`,
    );

    // Nothing to resume from, nothing to park.
    await Deno.remove(join(parkedRun, "checkpoint"), { recursive: true });
    await assertThrows(() => parkCell(ledger, CELL, parkedRun), "has no checkpoint to park");
  });
});
