/**
 * Server start-up: selects the wasm backend, loads the classifier and the face detector once, warms
 * both up, records the canary inference's baseline, and returns the dependencies the app is built
 * from.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { useWasmBackend } from "../backend.ts";
import { loadClassifier } from "../classifier/load.ts";
import { createFaceDetector } from "../detector/mod.ts";
import type { ServerConfig } from "./config.ts";
import type { AppDeps, RuntimeInfo } from "./deps.ts";
import { describeModel } from "./model_info.ts";
import { HealthMonitor } from "./health.ts";
import { modelCanary } from "./canary.ts";

/** Loaded models plus a way to free them. */
export interface Services {
  /** What `createApp` needs. */
  deps: AppDeps;
  /** The started canary monitor (also `deps.health`). */
  health: HealthMonitor;
  /** Milliseconds spent loading and warming up, by part (`canary`: the baseline run). */
  startupMs: { backend: number; classifier: number; detector: number; canary: number };
  /** Frees the models' tensors. */
  dispose(): void;
}

/** The active backend, whether the wasm backend runs with SIMD, and the classifier's inference path. */
export async function runtimeInfo(inference: RuntimeInfo["inference"]): Promise<RuntimeInfo> {
  const backend = tf.getBackend();
  const simd = backend === "wasm" && (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) === true;
  return { backend, simd, inference };
}

/** Loads everything the server needs for `config`, warmed up, on the wasm backend. */
export async function loadServices(
  config: Pick<
    ServerConfig,
    | "modelDir"
    | "maxBodyBytes"
    | "maxPixels"
    | "maxClassifyFaces"
    | "maxInFlight"
    | "maxQueue"
    | "requestBudgetMs"
    | "canaryIntervalMs"
    | "corsOrigins"
  >,
): Promise<Services> {
  const t0 = performance.now();
  await useWasmBackend();
  const t1 = performance.now();
  const classifier = await loadClassifier(config.modelDir, { keepBackend: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    const where = config.modelDir instanceof URL ? config.modelDir.pathname : config.modelDir;
    throw new Error(
      `no exported model in ${where} (model.json, weights.bin, fer-model.json, or a model ` +
        `set's fer-model.json and member folders): ${(error as Error).message}; ` +
        "set MODEL_DIR to an exported model folder or run `deno task export`",
      { cause: error },
    );
  });
  const model = await describeModel(classifier, config.modelDir);
  const runtime = await runtimeInfo(classifier.inference);
  const t2 = performance.now();
  const detector = await createFaceDetector({ keepBackend: true });
  // One pass over a blank VGA frame compiles the detector's kernels before the first request.
  await detector.detect({
    width: 640,
    height: 480,
    data: new Uint8ClampedArray(640 * 480 * 4).fill(128),
  });
  const t3 = performance.now();
  const health = new HealthMonitor(modelCanary({ detector, classifier }), {
    intervalMs: config.canaryIntervalMs,
  });
  await health.start();
  const t4 = performance.now();
  const round = (ms: number) => Math.round(ms);
  return {
    deps: {
      classifier,
      detector,
      model,
      limits: {
        maxBodyBytes: config.maxBodyBytes,
        maxPixels: config.maxPixels,
        maxClassifyFaces: config.maxClassifyFaces,
        maxInFlight: config.maxInFlight,
        maxQueue: config.maxQueue,
        requestBudgetMs: config.requestBudgetMs,
      },
      runtime: () => runtime,
      health,
      corsOrigins: config.corsOrigins,
      modelDir: config.modelDir,
    },
    health,
    startupMs: {
      backend: round(t1 - t0),
      classifier: round(t2 - t1),
      detector: round(t3 - t2),
      canary: round(t4 - t3),
    },
    dispose() {
      classifier.dispose();
      detector.dispose();
    },
  };
}
