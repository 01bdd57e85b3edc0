/**
 * Model sets: a model folder whose `fer-model.json` says `"kind": "set"` describes an ensemble of
 * exported models kept in subfolders of it, each with a weight. The set's scores are the weighted
 * mean of its members' probabilities (each member scored with its own views, pixel scaling and
 * mirror tie), then rescaled by the set's own `temperature`, if any; a member's own temperature
 * is not used, since the set's was fitted on the mean.
 *
 * The members live inside the set's folder (`models/set/default/`, `models/set/untied/`, ...) so
 * that the folder is self-contained: Deno Deploy ships it as it is, and the page fetches the
 * members below `/classifier/` from the same route that serves a single model.
 *
 * ```json
 * { "formatVersion": 1, "kind": "set", "name": "default-set",
 *   "labels": ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"],
 *   "members": [{ "path": "default", "weight": 1 }, { "path": "untied", "weight": 1 }],
 *   "exportedAt": "2026-12-02T00:00:00.000Z" }
 * ```
 *
 * @module
 */
import type { CalibrationRecord, FerModelMetadata, SplitMetrics } from "./metadata.ts";
import { checkLabels } from "../face.ts";

/** One member of a set as `fer-model.json` lists it. */
export interface ModelSetMember {
  /** Subfolder of the set's folder holding the member's exported model (one plain name). */
  path: string;
  /** Weight of its probabilities in the mean (a finite number > 0; normalised to sum 1). */
  weight: number;
}

/** `fer-model.json` of a model set. */
export interface FerSetMetadata {
  /** Bumped when the layout of this file changes. */
  formatVersion: 1;
  /** Says this folder is a set, not one model. */
  kind: "set";
  /** Short name, e.g. `default`. */
  name: string;
  /** Human-readable description (e.g. the members' architectures). */
  architecture?: string;
  /** Class names in output order: every member's, in the same order. */
  labels: string[];
  /** The members, at least one. */
  members: ModelSetMember[];
  /** Temperature applied to the weighted mean (see `src/classifier/temperature.ts`); absent = 1. */
  temperature?: number;
  /** How {@link temperature} was fitted. */
  calibration?: CalibrationRecord;
  /** Metrics the set was shipped with, if measured. */
  metrics?: { quantized?: SplitMetrics; float?: SplitMetrics };
  /** ISO timestamp of the assembly. */
  exportedAt: string;
}

/** A member with its folder, normalised weight and metadata, as {@link readSetMembers} gives it. */
export interface SetMemberFolder {
  /** Its path in the set's `fer-model.json`. */
  path: string;
  /** Its folder. */
  dir: string | URL;
  /** Its share of the mean: weight / sum of weights. */
  weight: number;
  /** Its `fer-model.json`. */
  metadata: FerModelMetadata;
}

/** Whether parsed `fer-model.json` contents describe a set. */
export function isSetMetadata(json: unknown): boolean {
  return typeof json === "object" && json !== null && (json as { kind?: unknown }).kind === "set";
}

/** A member path is one plain folder name: no separators, no `.`/`..`, nothing odd. */
export function isMemberPath(path: unknown): path is string {
  return typeof path === "string" && /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/.test(path) &&
    path !== "." && path !== "..";
}

/**
 * Checks parsed `fer-model.json` contents of a set and returns them typed.
 *
 * @throws {Error} naming `where` and the field at fault when something is missing or malformed.
 */
export function parseSetMetadata(json: unknown, where: string): FerSetMetadata {
  const m = json as Partial<FerSetMetadata>;
  const fail = (why: string): never => {
    throw new Error(`${where}: model set fer-model.json ${why}`);
  };
  if (!isSetMetadata(json)) fail(`must say "kind": "set"`);
  if (typeof m.name !== "string" || m.name === "") fail("needs a name");
  checkLabels(m.labels, `${where}: model set fer-model.json`);
  if (!Array.isArray(m.members) || m.members.length === 0) {
    fail("needs members: a non-empty list of {path, weight}");
  }
  const seen = new Set<string>();
  for (const [i, member] of m.members!.entries()) {
    if (!isMemberPath(member?.path)) {
      fail(
        `member ${i}: path must be the name of a subfolder of the set (no "/" or ".."), got ` +
          JSON.stringify(member?.path),
      );
    }
    if (seen.has(member.path)) fail(`member ${i}: path "${member.path}" is listed twice`);
    seen.add(member.path);
    if (
      typeof member.weight !== "number" || !Number.isFinite(member.weight) || member.weight <= 0
    ) {
      fail(`member "${member.path}": weight must be a finite number > 0, got ${member.weight}`);
    }
  }
  return m as FerSetMetadata;
}

/** `members`' weights divided by their sum, in order. */
export function normalisedWeights(members: readonly { weight: number }[]): number[] {
  const total = members.reduce((sum, m) => sum + m.weight, 0);
  return members.map((m) => m.weight / total);
}

/** The folder of member `path` inside the set folder `dir`. */
export function memberDir(dir: string | URL, path: string): string | URL {
  if (dir instanceof URL) {
    return new URL(`${path}/`, dir.href.endsWith("/") ? dir : `${dir.href}/`);
  }
  return dir.endsWith("/") ? `${dir}${path}` : `${dir}/${path}`;
}

/**
 * Checks that the members' metadata agree with the set and with one another: single models (no
 * nested sets), the set's labels in the same order, one input geometry.
 *
 * @throws {Error} naming the set and the member at fault.
 */
export function checkSetMembers(
  set: FerSetMetadata,
  members: readonly { path: string; metadata: FerModelMetadata }[],
  where: string,
): void {
  const first = members[0];
  for (const { path, metadata } of members) {
    if (isSetMetadata(metadata)) {
      throw new Error(
        `model set ${where}: member "${path}" is itself a set; members must be models`,
      );
    }
    checkLabels(metadata.labels, `model set ${where}: member "${path}": fer-model.json`);
    if (metadata.labels.join("\n") !== set.labels.join("\n")) {
      // A 7-class FER2013 model and an 8-class FER+ one cannot be averaged: say so in counts.
      const counts = metadata.labels.length === set.labels.length
        ? ""
        : ` (${metadata.labels.length} classes against the set's ${set.labels.length})`;
      throw new Error(
        `model set ${where}: member "${path}" has labels (${metadata.labels.join(", ")}) but the ` +
          `set has (${
            set.labels.join(", ")
          })${counts}; every member needs the same labels in the same order`,
      );
    }
    const geometry = (m: FerModelMetadata) =>
      `${m.input.width}x${m.input.height}x${m.input.channels}`;
    if (geometry(metadata) !== geometry(first.metadata)) {
      throw new Error(
        `model set ${where}: member "${path}" takes ${
          geometry(metadata)
        } faces but "${first.path}" ` +
          `takes ${geometry(first.metadata)}; every member needs the same input size`,
      );
    }
  }
}

/**
 * The members of the set in `dir` whose checked metadata is `set`, with each member's metadata
 * read by `readMember` (e.g. `readModelMetadata`), checked with {@link checkSetMembers}.
 */
export async function readSetMembers(
  dir: string | URL,
  set: FerSetMetadata,
  readMember: (dir: string | URL) => Promise<FerModelMetadata>,
): Promise<SetMemberFolder[]> {
  const weights = normalisedWeights(set.members);
  const members = await Promise.all(set.members.map(async (m, i) => {
    const folder = memberDir(dir, m.path);
    return { path: m.path, dir: folder, weight: weights[i], metadata: await readMember(folder) };
  }));
  checkSetMembers(set, members, dir instanceof URL ? dir.pathname : dir);
  return members;
}
