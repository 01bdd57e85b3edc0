import { tmpdir } from "node:os";
import { studyCells } from "../../../training/experiments/full/cells.ts";
import { readLedger, REPOSITORY_LEDGER } from "../../../training/experiments/full/ledger.ts";
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
