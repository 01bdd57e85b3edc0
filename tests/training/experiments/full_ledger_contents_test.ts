import { tmpdir } from "node:os";
import { join } from "node:path";
import { studyCells } from "../../../training/experiments/full/cells.ts";
import { readLedger, REPOSITORY_LEDGER } from "../../../training/experiments/full/ledger.ts";
import { PARKED_DIR, PARKED_FILE, readParked } from "../../../training/experiments/full/parking.ts";
import { assertEquals, assertOk } from "../../assert.ts";

/** FER2013 as the study uses it: Training images (for the SVM) and PublicTest images, by class count. */
const TRAINING = { 5: 24176, 7: 28709 };
const PUBLIC_TEST = { 5: 3037, 7: 3589 };

Deno.test("the repository's ledger holds only full-budget cells of the study, on all of FER2013", async () => {
  const files: string[] = [];
  try {
    for await (const entry of Deno.readDir(REPOSITORY_LEDGER)) {
      if (entry.isFile) files.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const cells = studyCells();
  const notes: string[] = [];
  const recorded = await readLedger(REPOSITORY_LEDGER, cells, (line) => notes.push(line));
  // Every file is a cell of the study with today's flags (a stale or foreign file is a mistake).
  assertEquals(notes, []);
  assertEquals(files.filter((f) => !f.endsWith(".json")), []);
  assertEquals(files.map((f) => f.replace(/\.json$/, "")).sort(), [...recorded.keys()].sort());
  for (const cell of cells) {
    const state = recorded.get(cell.id);
    if (!state) continue;
    if (cell.model === "svm") {
      assertEquals([state.svm?.trainCount, state.svm?.valCount], [
        TRAINING[cell.classes],
        PUBLIC_TEST[cell.classes],
      ], cell.id);
      continue;
    }
    assertEquals(state.history.length, cell.epochs, cell.id);
    assertEquals(state.predictions?.items.length, PUBLIC_TEST[cell.classes], cell.id);
    const data = state.config?.data ?? "";
    assertOk(!data.startsWith(tmpdir()), `${cell.id} trained on ${data}, a temporary folder`);
  }
});

/** SHA-256 of `fer2013-dev.csv.gz`, the FER2013 CSV every full-budget cell is prepared from. */
const FER2013_DEV_SHA256 = "dfe935925a24feb57aea4633b52931300b5ebca9c7741edb674246dffbd99ebe";

Deno.test("the repository's parked runs are unfinished cells of the study, on FER2013, not recorded", async () => {
  const cells = studyCells();
  const recorded = await readLedger(REPOSITORY_LEDGER, cells, () => {});
  const dir = join(REPOSITORY_LEDGER, PARKED_DIR);
  const ids: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) ids.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  for (const id of ids) {
    const cell = cells.find((c) => c.id === id);
    assertOk(cell && cell.model !== "svm", `${id} is not a CNN cell of the study`);
    const notes: string[] = [];
    const record = await readParked(REPOSITORY_LEDGER, cell, (line) => notes.push(line));
    assertEquals(notes, [], id);
    assertOk(record, `${id} has no ${PARKED_FILE}`);
    assertOk(!recorded.has(id), `${id} is recorded and parked at once`);
    assertOk(record.epochsDone < cell.epochs, `${id} parked after its last epoch`);
    assertEquals(record.dataSha256, FER2013_DEV_SHA256, id);
  }
});
