/**
 * Test doubles and inputs for the server tests: the real app around the tiny seeded model, a fake
 * face detector, work that a test can hold open, and small images (valid, corrupt, and lying about
 * their size).
 *
 * @module
 */
import { type AppType, createApp } from "../../routes/app.ts";
import { type AppDeps, type Limits, modelInfo } from "../../src/server/deps.ts";
import { useWasmBackend } from "../../src/backend.ts";
import { loadClassifier, type LoadedClassifier } from "../../src/classifier/load.ts";
import type { FaceClassifier, FerClassifier } from "../../src/classifier/classifier.ts";
import { describeModel } from "../../src/server/model_info.ts";
import type { DetectedFace, FaceDetector } from "../../src/detector/types.ts";
import type { RgbaImage } from "../../src/image/decode.ts";
import { crc32, encodeGrayPng } from "../../training/data/png.ts";
import { writeTinyModelDir } from "../classifier/tiny_model.ts";
import {
  DEFAULT_MAX_IN_FLIGHT,
  DEFAULT_MAX_QUEUE,
  DEFAULT_REQUEST_BUDGET_MS,
} from "../../src/server/config.ts";
import { HealthMonitor, type HealthOptions } from "../../src/server/health.ts";
import { modelCanary } from "../../src/server/canary.ts";

/** Default limits for tests: the production defaults. */
export const TEST_LIMITS: Limits = {
  maxBodyBytes: 10 * 1024 * 1024,
  maxPixels: 4096 * 4096,
  maxClassifyFaces: 64,
  maxInFlight: DEFAULT_MAX_IN_FLIGHT,
  maxQueue: DEFAULT_MAX_QUEUE,
  requestBudgetMs: DEFAULT_REQUEST_BUDGET_MS,
};

/** A detector that reports the centre half of every image as one face, or nothing for tiny images. */
export function fakeDetector(): Pick<FaceDetector, "detect"> & { calls: number } {
  const fake = {
    calls: 0,
    detect(image: RgbaImage): Promise<DetectedFace[]> {
      fake.calls++;
      if (image.width < 8 || image.height < 8) return Promise.resolve([]);
      const box = {
        x: image.width / 4,
        y: image.height / 4,
        width: image.width / 2,
        height: image.height / 2,
      };
      return Promise.resolve([{ box, score: 0.9, keypoints: [] }]);
    },
  };
  return fake;
}

/**
 * A gate that work can be held at: open by default; {@link close} makes every later {@link pass}
 * wait until {@link open}. Admission tests hold a slot's work open with it, deterministically.
 */
export class Hold {
  /** Calls of {@link pass} so far. */
  calls = 0;
  #gate: Promise<void> = Promise.resolve();
  #release = () => {};
  #waiters: { calls: number; resolve(): void }[] = [];

  /** Makes later passes wait. */
  close(): void {
    this.#gate = new Promise((resolve) => this.#release = resolve);
  }

  /** Lets every waiting and later pass through. */
  open(): void {
    this.#release();
    this.#gate = Promise.resolve();
  }

  /** Waits at the gate (counting the call first). */
  pass(): Promise<void> {
    this.calls++;
    for (const w of this.#waiters.filter((w) => this.calls >= w.calls)) w.resolve();
    this.#waiters = this.#waiters.filter((w) => this.calls < w.calls);
    return this.#gate;
  }

  /** Resolves once {@link pass} has been called `calls` times in all. */
  reached(calls: number): Promise<void> {
    if (this.calls >= calls) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ calls, resolve }));
  }
}

/** {@link fakeDetector} that passes `hold` before answering. */
export function heldDetector(hold: Hold): Pick<FaceDetector, "detect"> {
  const inner = fakeDetector();
  return {
    detect: async (image: RgbaImage) => {
      await hold.pass();
      return inner.detect(image);
    },
  };
}

/** `classifier`, passing `hold` before each batch. */
export function heldClassifier(classifier: FaceClassifier, hold: Hold): FaceClassifier {
  return {
    labels: classifier.labels,
    faceBytes: classifier.faceBytes,
    classify: async (faces, options) => {
      await hold.pass();
      return classifier.classify(faces, options);
    },
  };
}

/** The app around the tiny model and `detector`, plus clean-up. */
export interface TestApp {
  /** The real app, with its route schemas in its type. */
  app: AppType;
  deps: AppDeps;
  /** The loaded classifier (a model set when `modelDir` holds one). */
  classifier: LoadedClassifier;
  /** The started canary monitor the app reports on `/healthz`. */
  health: HealthMonitor;
  close(): Promise<void>;
}

/** Extras for {@link tinyApp}. */
export interface TinyAppOptions {
  /** Wraps the real tiny classifier the routes (and the canary) use, e.g. {@link heldClassifier}. */
  wrapClassifier?: (classifier: LoadedClassifier) => FaceClassifier;
  /** Health monitor to use instead of a started canary of the served models. */
  health?: HealthMonitor;
  /** Options (clock, interval, memory sampler) of the default canary monitor. */
  healthOptions?: HealthOptions;
  /** `CORS_ORIGINS`. */
  corsOrigins?: string[];
}

/**
 * Builds the real app around the tiny seeded model (wasm backend) and `detector`; with `modelDir`,
 * around that exported model or model set instead (its version is then its real content hash). Like
 * `loadServices`, it records the canary baseline before returning.
 */
export async function tinyApp(
  detector: Pick<FaceDetector, "detect"> = fakeDetector(),
  limits: Partial<Limits> = {},
  modelDir?: string | URL,
  options: TinyAppOptions = {},
): Promise<TestApp> {
  await useWasmBackend();
  const dir = modelDir ?? await writeTinyModelDir();
  const classifier = await loadClassifier(dir, { warmUpBatches: [] });
  // With a model folder, /api/model describes it as the server would (a set with its members).
  const model = modelDir
    ? await describeModel(classifier, modelDir)
    : modelInfo((classifier as FerClassifier).metadata, "test");
  const served = options.wrapClassifier?.(classifier) ?? classifier;
  const health = options.health ??
    new HealthMonitor(modelCanary({ detector, classifier: served }), options.healthOptions);
  await health.start();
  const deps: AppDeps = {
    classifier: served,
    detector,
    model,
    limits: { ...TEST_LIMITS, ...limits },
    runtime: () => ({ backend: "wasm", simd: true, inference: classifier.inference }),
    health,
    corsOrigins: options.corsOrigins,
  };
  return {
    app: createApp(deps),
    deps,
    classifier,
    health,
    close: async () => {
      classifier.dispose();
      if (!modelDir) await Deno.remove(dir, { recursive: true });
    },
  };
}

/** A `width`x`height` gray PNG with a deterministic pattern (differs with `seed`). */
export function patternPng(width: number, height: number, seed = 0): Uint8Array {
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7 + seed * 31 + (i >> 5) * 3) & 255;
  return encodeGrayPng(pixels, width, height);
}

/** A valid small PNG whose IHDR (with a correct CRC) claims `width`x`height` pixels. */
export function pngClaiming(width: number, height: number): Uint8Array {
  const png = patternPng(4, 4).slice();
  const view = new DataView(png.buffer);
  // Signature (8) + chunk length (4) + "IHDR" (4): width and height follow.
  view.setUint32(16, width);
  view.setUint32(20, height);
  view.setUint32(29, crc32(png.subarray(12, 29)));
  return png;
}

/** The bytes of a committed fixture photo. */
export function fixture(path: string): Promise<Uint8Array> {
  return Deno.readFile(new URL(`../${path}`, import.meta.url));
}

/** A `count`-face classify body: 2304 bytes a face, face `i` filled with `i * 8`. */
export function faceBatch(count: number): Uint8Array {
  const body = new Uint8Array(count * 2304);
  for (let i = 0; i < count; i++) body.fill((i * 8) & 255, i * 2304, (i + 1) * 2304);
  return body;
}
