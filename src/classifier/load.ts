/**
 * Loads an exported model folder (`model.json`, `weights.bin`, `fer-model.json`), or a model set
 * folder (`src/model/set.ts`), into a ready classifier on the wasm backend, warmed up.
 *
 * @module
 */
import {
  loadLayersModelDir,
  type ModelFolder,
  readModelFolder,
  WEIGHTS_FILE,
} from "../model/io.ts";
import type { FerModelMetadata } from "../model/metadata.ts";
import { useWasmBackend } from "../backend.ts";
import { FerClassifier } from "./classifier.ts";
import { FerSetClassifier, type SetMember } from "./set_classifier.ts";

/** Options for {@link loadClassifier}. */
export interface LoadClassifierOptions {
  /** Skip selecting the wasm backend (tests that picked a backend themselves). */
  keepBackend?: boolean;
  /** Batch sizes to run once before returning (default `[1, 32]`, the page's typical sizes). */
  warmUpBatches?: number[];
  /** Fold batch norms into fused kernels when the model allows (default true). */
  fold?: boolean;
}

/** What {@link loadClassifier} gives: one model, or a set of them. */
export type LoadedClassifier = FerClassifier | FerSetClassifier;

/** One model's classifier from its folder and metadata; its tensors are freed if it is refused. */
async function loadOne(
  dir: string | URL,
  metadata: FerModelMetadata,
  fold: boolean | undefined,
): Promise<FerClassifier> {
  const model = await loadLayersModelDir(dir);
  try {
    return new FerClassifier(model, metadata, { fold });
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** The classifier of a folder already read with `readModelFolder`. */
async function classifierOf(
  dir: string | URL,
  folder: ModelFolder,
  fold: boolean | undefined,
): Promise<LoadedClassifier> {
  if (folder.kind === "model") return await loadOne(dir, folder.metadata, fold);
  const members: SetMember[] = [];
  try {
    for (const m of folder.members) {
      const classifier = await loadOne(m.dir, m.metadata, fold).catch((error) => {
        throw new Error(`model set member "${m.path}": ${(error as Error).message}`, {
          cause: error,
        });
      });
      members.push({ path: m.path, weight: m.weight, dir: m.dir, classifier });
    }
    return new FerSetClassifier(folder.metadata, members);
  } catch (error) {
    for (const m of members) m.classifier.dispose();
    throw error;
  }
}

/**
 * Loads the model or model set in `dir` (path or file URL), checks it against its metadata and
 * warms it up.
 */
export async function loadClassifier(
  dir: string | URL,
  options: LoadClassifierOptions = {},
): Promise<LoadedClassifier> {
  if (!options.keepBackend) await useWasmBackend();
  const classifier = await classifierOf(dir, await readModelFolder(dir), options.fold);
  for (const size of options.warmUpBatches ?? [1, 32]) await classifier.warmUp(size);
  return classifier;
}

/** The first 6 bytes of the SHA-256 of `bytes`, in hex. */
async function shortHash(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest.slice(0, 6), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** {@link modelVersion} of one model: the hash of `model.json` and its weight shard. */
async function singleModelVersion(dir: string | URL): Promise<string> {
  const base = typeof dir === "string"
    ? dir.replace(/\/?$/, "/")
    : new URL(dir.href.endsWith("/") ? dir.href : `${dir.href}/`);
  const read = (name: string) =>
    Deno.readFile(typeof base === "string" ? `${base}${name}` : new URL(name, base));
  const parts = await Promise.all([read("model.json"), read(WEIGHTS_FILE)]);
  const joined = new Uint8Array(parts[0].length + parts[1].length);
  joined.set(parts[0]);
  joined.set(parts[1], parts[0].length);
  return await shortHash(joined);
}

/**
 * A set's version: the hash of its members' versions and normalised weights, in order, so two
 * sets agree exactly when they average the same models the same way.
 */
export async function setVersion(
  members: readonly { version: string; weight: number }[],
): Promise<string> {
  const text = members.map((m) => `${m.version}:${m.weight.toPrecision(9)}`).join("\n");
  return await shortHash(new TextEncoder().encode(`fer-edge model set\n${text}`));
}

/** The version of every member of the set in `dir`, in order (empty for a single model). */
export async function memberVersions(
  dir: string | URL,
): Promise<{ path: string; weight: number; version: string }[]> {
  const folder = await readModelFolder(dir).catch(() => undefined);
  if (folder?.kind !== "set") return [];
  return await Promise.all(folder.members.map(async (m) => ({
    path: m.path,
    weight: m.weight,
    version: await singleModelVersion(m.dir),
  })));
}

/**
 * A short content hash of the model files (`model.json` and its weight shard), so clients can tell
 * two deployments' models apart even when their names match; for a model set, {@link setVersion}
 * of its members.
 */
export async function modelVersion(dir: string | URL): Promise<string> {
  const members = await memberVersions(dir);
  return members.length > 0 ? await setVersion(members) : await singleModelVersion(dir);
}
