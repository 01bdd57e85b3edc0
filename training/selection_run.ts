/**
 * The Selection split in a run folder: a resumed run keeps the split it started with (none, for a
 * run from before the split existed), and `selection.json` records the held-out images so a
 * resume on changed prepared data, or an export, knows which ones they were.
 *
 * @module
 */
import { join } from "node:path";
import type { SelectionRecord } from "../src/model/metadata.ts";
import type { TrainConfig } from "./config.ts";

/** File in a run folder that records its Selection split. */
export const SELECTION_FILE = "selection.json";

const describe = (s: TrainConfig["selection"]) =>
  s ? `fraction ${s.fraction}, seed ${s.seed}` : "no Selection split";

/**
 * The config a run continues with. Without `resume`, or for a run folder that has no
 * `config.json` yet, `config` as it is. Otherwise the run's own split wins: a run started before
 * the Selection split existed (its config has no `selection`) keeps training on all of Training and
 * validating on PublicTest. When `given` (the split was asked for explicitly: `--no-selection`,
 * `--selection-*` or a `--config` file's `selection`) and it differs from the run's, it is refused:
 * the split cannot change in the middle of a run.
 */
export async function resumeSelection(
  config: TrainConfig,
  runDir: string | undefined,
  resume: boolean,
  given: boolean,
  log: (line: string) => void = (line) => console.error(line),
): Promise<TrainConfig> {
  if (!resume || !runDir) return config;
  let saved: Partial<TrainConfig>;
  try {
    saved = JSON.parse(await Deno.readTextFile(join(runDir, "config.json")));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return config;
    throw error;
  }
  const theirs = saved.selection;
  const ours = config.selection;
  if (JSON.stringify(theirs ?? null) === JSON.stringify(ours ?? null)) return config;
  if (given) {
    throw new Error(
      `${runDir} was started with ${describe(theirs)}; it cannot continue with ${describe(ours)}`,
    );
  }
  if (!theirs) {
    log(
      `${runDir} predates the Selection split: it goes on training on all of Training and ` +
        `choosing on ${config.validationSplit}, as it started`,
    );
    const { selection: _dropped, ...rest } = config;
    return rest;
  }
  return { ...config, selection: { ...theirs } };
}

/**
 * Writes `selection.json` into the run folder, or, when the run already has one, checks that the
 * prepared data still gives the same held-out images (same count and SHA-256).
 */
export async function recordSelection(runDir: string, record: SelectionRecord): Promise<void> {
  const path = join(runDir, SELECTION_FILE);
  const existing = await readRunSelection(runDir);
  if (existing) {
    if (existing.sha256 !== record.sha256 || existing.count !== record.count) {
      throw new Error(
        `${runDir} held out ${existing.count} Training images (sha256 ${
          existing.sha256.slice(0, 12)
        }) ` +
          `but the prepared data now gives ${record.count} (sha256 ${
            record.sha256.slice(0, 12)
          }); ` +
          `it was prepared from a different CSV or with other flags`,
      );
    }
    return;
  }
  await Deno.mkdir(runDir, { recursive: true });
  await Deno.writeTextFile(path, JSON.stringify(record, null, 2) + "\n");
}

/** The run's recorded Selection split, or `undefined` when it has none. */
export async function readRunSelection(runDir: string): Promise<SelectionRecord | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(join(runDir, SELECTION_FILE))) as SelectionRecord;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
