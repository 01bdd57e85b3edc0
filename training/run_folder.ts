/**
 * Reading a finished or running training run's folder: its resolved config and its history.
 *
 * @module
 */
import { join } from "node:path";
import { defaultConfig, mergeConfig, type TrainConfig } from "./config.ts";
import type { EpochRecord } from "./history.ts";

/** The run's `config.json`, completed with defaults, with an optional quantization override. */
export async function readRunConfig(
  runDir: string,
  quantization?: TrainConfig["quantization"],
): Promise<TrainConfig> {
  const saved = JSON.parse(await Deno.readTextFile(join(runDir, "config.json"))) as TrainConfig;
  const config = mergeConfig(defaultConfig(saved.model), saved);
  return quantization ? { ...config, quantization } : config;
}

/** The run's `history.json`: one record per finished epoch. */
export async function readRunHistory(runDir: string): Promise<EpochRecord[]> {
  return JSON.parse(await Deno.readTextFile(join(runDir, "history.json"))) as EpochRecord[];
}
