/**
 * The per-epoch record of a run, kept as `history.json` in the run folder.
 *
 * @module
 */
import { join } from "node:path";

/** One epoch's numbers. */
export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean training loss over the epoch (on augmented images). */
  trainLoss: number;
  /** Training accuracy over the epoch (on augmented images). */
  trainAccuracy: number;
  /** Validation (PublicTest) loss. */
  valLoss: number;
  /** Validation (PublicTest) accuracy. */
  valAccuracy: number;
  /** Learning rate at the end of the epoch. */
  learningRate: number;
  /** Wall-clock seconds of the epoch's training part. */
  seconds: number;
  /** Training images per second. */
  imagesPerSecond: number;
}

/** The run's `history.json`: one record per finished epoch. */
export async function readRunHistory(runDir: string): Promise<EpochRecord[]> {
  return JSON.parse(await Deno.readTextFile(join(runDir, "history.json"))) as EpochRecord[];
}
