/**
 * The default trial evaluator: each trial is a `deno run training/optimize/trial.ts` child process
 * with its config in `DIR/trial-N/config.json`; its output goes to `DIR/trial-N/trial.log` and its
 * result to `DIR/trial-N/result.json`.
 *
 * @module
 */
import { join } from "node:path";
import { mergeConfig, type TrainConfig } from "../config.ts";
import type { Params } from "./space.ts";
import type { TrialEvaluator, TrialOutcome } from "./search.ts";

/** The trial entry point. */
export const TRIAL_SCRIPT = new URL("./trial.ts", import.meta.url).pathname;

/** The config a trial trains: `base` with the point's values. */
export function trialConfig(base: TrainConfig, params: Params): TrainConfig {
  return mergeConfig(base, params as Partial<TrainConfig>);
}

/** Builds an evaluator that runs each trial in a child process under `dir`. */
export function processEvaluator(
  base: TrainConfig,
  dir: string,
  options: { valLimit?: number; script?: string } = {},
): TrialEvaluator {
  return async (params, trial): Promise<TrialOutcome> => {
    const trialDir = join(dir, `trial-${trial}`);
    await Deno.mkdir(trialDir, { recursive: true });
    const configPath = join(trialDir, "config.json");
    const resultPath = join(trialDir, "result.json");
    await Deno.remove(resultPath).catch(() => {});
    await Deno.writeTextFile(configPath, JSON.stringify(trialConfig(base, params), null, 2) + "\n");
    const log = await Deno.open(join(trialDir, "trial.log"), {
      write: true,
      create: true,
      truncate: true,
    });
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        options.script ?? TRIAL_SCRIPT,
        "--config",
        configPath,
        "--result",
        resultPath,
        "--val-limit",
        String(options.valLimit ?? 0),
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const sink = log.writable.getWriter();
    const pump = async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream) await sink.write(chunk);
    };
    const [status] = await Promise.all([child.status, pump(child.stdout), pump(child.stderr)]);
    await sink.close();
    if (!status.success) {
      const tail = (await Deno.readTextFile(join(trialDir, "trial.log"))).trim().split("\n")
        .slice(-3).join(" | ");
      throw new Error(`trial ${trial} exited with ${status.code}: ${tail}`);
    }
    return JSON.parse(await Deno.readTextFile(resultPath)) as TrialOutcome;
  };
}
