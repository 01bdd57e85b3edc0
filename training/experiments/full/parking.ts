/**
 * Parking: how a CNN cell outlives the session it was stopped in. Run folders live outside the
 * repository and a later session may not find them, and a session (3 h here) is shorter than some
 * cells (Model B: ~3.5 h) and than any two default cells. At `--until` the study stops the running
 * training (as a SIGTERM does: the batch finishes and the checkpoint is saved) and copies what a
 * resume needs into the ledger, `results/full-study/parked/ID/`, to be committed with it. The next
 * call restores that folder when its own run folder is missing or behind, and `train --resume`
 * continues from the same batch. Recording the finished cell removes its parked folder.
 *
 * What is parked: `config.json`, `history.json`, `selection.json`, `checkpoint/` (float weights,
 * optimizer slots, loop position), `best/` (the best Selection epoch's weights, which the export
 * takes at the end) and, for Model A and B, `publictest-epochs.json`: their kept epochs are scored
 * on PublicTest before parking, since the epochs' weights (~1–2 GB) are not parked. A parked
 * default cell is ~7 MB, Model A ~55 MB, Model B ~120 MB.
 *
 * @example Park a stopped run, then restore it into a fresh folder
 * ```ts
 * import { parkCell, unparkCell } from "./parking.ts";
 * const cell = { id: "default-raw-7", flags: ["--model", "default"] };
 * await parkCell("results/full-study", cell, "/root/fer-runs/grid/cells/default-raw-7");
 * await unparkCell("results/full-study", cell, "/tmp/run", "/root/fer-data/prepared");
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { readManifest } from "../../data/cache.ts";
import type { LoopState } from "../../loop/checkpoint.ts";
import { isSameCell, type StudyCell } from "./cells.ts";
import { formatUtcMinute } from "./eta.ts";
import { EPOCH_SCORES_FILE, readJsonIfPresent, writeJsonWhole } from "./score_run.ts";

/** Subfolder of the ledger that holds parked cells. */
export const PARKED_DIR = "parked";
/** The record of a parked cell, inside its folder. */
export const PARKED_FILE = "parked.json";

/** Run-folder entries a resume needs; files or folders of files. */
const PARKED_ENTRIES = [
  "config.json",
  "history.json",
  "selection.json",
  EPOCH_SCORES_FILE,
  "checkpoint",
  "best",
] as const;

/** `parked.json`. */
export interface ParkedRecord {
  id: string;
  /** The cell's defining flags; the parked folder counts only while they are unchanged. */
  flags: string[];
  /** ISO time it was parked. */
  parkedAt: string;
  /** Finished epochs, and where the checkpoint stands. */
  epochsDone: number;
  epoch: number;
  batchInEpoch: number;
  step: number;
  /** SHA-256 of the FER2013 CSV the run's data was prepared from. */
  dataSha256: string;
}

/** The identity of a cell that parking needs. */
export type ParkedCell = Pick<StudyCell, "id" | "flags">;

/** Folder of `id`'s parked run under the ledger `ledger`. */
export function parkedDir(ledger: string, id: string): string {
  return join(ledger, PARKED_DIR, id);
}

/** The loop position of the checkpoint in `runDir`, or undefined without one. */
export async function checkpointState(runDir: string): Promise<LoopState | undefined> {
  return await readJsonIfPresent<LoopState>(join(runDir, "checkpoint", "state.json"));
}

/** Copies a file, or a folder of files, from `from` to `to`; nothing when `from` is missing. */
async function copyEntry(from: string, to: string): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(from);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  if (info.isFile) return await Deno.copyFile(from, to);
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (!entry.isFile) throw new Error(`${join(from, entry.name)}: only files are parked`);
    await Deno.copyFile(join(from, entry.name), join(to, entry.name));
  }
}

/** Copies the {@link PARKED_ENTRIES} of `from` into a new folder `to` (replacing it whole). */
async function copyRun(from: string, to: string, record?: ParkedRecord): Promise<void> {
  const tmp = `${to}.tmp`;
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  await Deno.mkdir(tmp, { recursive: true });
  for (const name of PARKED_ENTRIES) await copyEntry(join(from, name), join(tmp, name));
  if (record) await writeJsonWhole(join(tmp, PARKED_FILE), record);
  await Deno.remove(to, { recursive: true }).catch(() => {});
  await Deno.rename(tmp, to);
}

/**
 * Copies the stopped run `runDir` of `cell` into the ledger `ledger` (see the module doc);
 * returns the record written. Throws when the run has no checkpoint (nothing to resume from).
 */
export async function parkCell(
  ledger: string,
  cell: ParkedCell,
  runDir: string,
): Promise<ParkedRecord> {
  const state = await checkpointState(runDir);
  if (!state) throw new Error(`${runDir} has no checkpoint to park`);
  const config = await readJsonIfPresent<{ data?: string }>(join(runDir, "config.json"));
  if (!config?.data) throw new Error(`${runDir} has no config.json naming its data`);
  const history = await readJsonIfPresent<unknown[]>(join(runDir, "history.json")) ?? [];
  const record: ParkedRecord = {
    id: cell.id,
    flags: cell.flags,
    parkedAt: new Date().toISOString(),
    epochsDone: history.length,
    epoch: state.epoch,
    batchInEpoch: state.batchInEpoch,
    step: state.step,
    dataSha256: (await readManifest(config.data)).source.sha256,
  };
  await copyRun(runDir, parkedDir(ledger, cell.id), record);
  return record;
}

/**
 * The parked record of `cell` in `ledger`, or undefined when there is none or it was parked with
 * other flags (said on `log`: that run cannot continue as this cell).
 */
export async function readParked(
  ledger: string,
  cell: ParkedCell,
  log: (line: string) => void = (line) => console.error(line),
): Promise<ParkedRecord | undefined> {
  const path = join(parkedDir(ledger, cell.id), PARKED_FILE);
  const record = await readJsonIfPresent<ParkedRecord>(path);
  if (!record) return undefined;
  if (!isSameCell(record, cell)) {
    log(`${path}: parked with other flags than ${cell.id} now has; the cell starts again`);
    return undefined;
  }
  return record;
}

/**
 * Restores `cell`'s parked run into `runDir` when the ledger holds one and `runDir` is missing
 * or behind it (an earlier step); its `config.json` then names `data`, this session's copy of the
 * same prepared data (checked by the CSV's SHA-256). Returns the record restored, else undefined.
 */
export async function unparkCell(
  ledger: string,
  cell: ParkedCell,
  runDir: string,
  data: string,
  log: (line: string) => void = (line) => console.error(line),
): Promise<ParkedRecord | undefined> {
  const record = await readParked(ledger, cell, log);
  if (!record) return undefined;
  const own = await checkpointState(runDir);
  if (own && own.step >= record.step) return undefined;
  const sha = (await readManifest(data)).source.sha256;
  if (sha !== record.dataSha256) {
    throw new Error(
      `${cell.id}: parked on data prepared from a CSV with SHA-256 ${record.dataSha256}, but ` +
        `${data} comes from ${sha}; prepare the same CSV or remove ${parkedDir(ledger, cell.id)}`,
    );
  }
  await copyRun(parkedDir(ledger, cell.id), runDir);
  const configPath = join(runDir, "config.json");
  const config = JSON.parse(await Deno.readTextFile(configPath));
  await Deno.writeTextFile(configPath, JSON.stringify({ ...config, data }, null, 2) + "\n");
  log(
    `${cell.id}: restored from ${parkedDir(ledger, cell.id)} (${record.epochsDone} ` +
      `epoch${record.epochsDone === 1 ? "" : "s"} done, ` +
      `parked ${formatUtcMinute(record.parkedAt)})`,
  );
  return record;
}

/** Removes `id`'s parked folder, if any (its cell is recorded), and `parked/` once empty. */
export async function dropParked(ledger: string, id: string): Promise<void> {
  const ignoreMissing = (error: unknown) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  };
  await Deno.remove(parkedDir(ledger, id), { recursive: true }).catch(ignoreMissing);
  // A folder that still holds other parked cells is not removed (and not an error).
  await Deno.remove(join(ledger, PARKED_DIR)).catch(() => {});
}
