/**
 * Loads an exported model folder (`model.json`, `weights.bin`, `fer-model.json`) into a ready
 * {@link FerClassifier} on the wasm backend, warmed up.
 *
 * @module
 */
import { loadModelDir, WEIGHTS_FILE } from "../model/io.ts";
import { useWasmBackend } from "../engine/backend.ts";
import { FerClassifier } from "./classifier.ts";

/** Options for {@link loadClassifier}. */
export interface LoadClassifierOptions {
  /** Skip selecting the wasm backend (tests that picked a backend themselves). */
  keepBackend?: boolean;
  /** Batch sizes to run once before returning (default `[1, 32]`, the page's typical sizes). */
  warmUpBatches?: number[];
  /** Fold batch norms into fused kernels when the model allows (default true). */
  fold?: boolean;
}

/** Loads the model in `dir` (path or file URL), checks it against its metadata and warms it up. */
export async function loadClassifier(
  dir: string | URL,
  options: LoadClassifierOptions = {},
): Promise<FerClassifier> {
  if (!options.keepBackend) await useWasmBackend();
  const { model, metadata } = await loadModelDir(dir);
  let classifier: FerClassifier;
  try {
    classifier = new FerClassifier(model, metadata, { fold: options.fold });
  } catch (error) {
    model.dispose();
    throw error;
  }
  for (const size of options.warmUpBatches ?? [1, 32]) await classifier.warmUp(size);
  return classifier;
}

/**
 * A short content hash of the model files (`model.json` and its weight shard), so clients can tell
 * two deployments' models apart even when their names match.
 */
export async function modelVersion(dir: string | URL): Promise<string> {
  const base = typeof dir === "string"
    ? dir.replace(/\/?$/, "/")
    : new URL(dir.href.endsWith("/") ? dir.href : `${dir.href}/`);
  const read = (name: string) =>
    Deno.readFile(typeof base === "string" ? `${base}${name}` : new URL(name, base));
  const parts = await Promise.all([read("model.json"), read(WEIGHTS_FILE)]);
  const joined = new Uint8Array(parts[0].length + parts[1].length);
  joined.set(parts[0]);
  joined.set(parts[1], parts[0].length);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", joined));
  return Array.from(digest.slice(0, 6), (b) => b.toString(16).padStart(2, "0")).join("");
}
