/**
 * Registry of per-image feature extractors, keyed by the feature name stored in the cache
 * (`hog`, `hogWindows`, later `landmarks`). `deno task prepare` and {@link loadFerCsvSplits} look
 * extractors up here, so a new feature plugs in without touching the pipeline.
 *
 * Landmarks plug in by convention: the `landmarks` entry imports `training/landmarks/feature.ts` on
 * first use and calls its exported `createLandmarkFeatureExtractor(): Promise<FeatureExtractor>`;
 * until that module exists, asking for landmarks fails with "not available yet". Any other module
 * can also call {@link registerFeatureExtractor} before the pipeline runs.
 *
 * @module
 */
import { FER_SIZE } from "../../src/face.ts";
import {
  FACE_HOG,
  FACE_HOG_WINDOWS,
  hogLength,
  hogWindow,
  imageGradients,
  slidingHog,
  slidingHogLength,
} from "./hog.ts";

/** Computes one fixed-length feature vector per 48 x 48 image. */
export interface FeatureExtractor {
  /** Feature name, used as the cache file suffix and manifest key. */
  readonly name: string;
  /** Values per image. */
  readonly length: number;
  /** Writes the features of `image` (48 x 48 uint8) into `out[offset .. offset+length)`. */
  extract(image: Uint8Array, out: Float32Array, offset: number): void | Promise<void>;
  /** Releases resources (models, workers), if any. */
  close?(): void | Promise<void>;
}

/** Creates an extractor; may load models, so it can be async. */
export type FeatureExtractorFactory = () => FeatureExtractor | Promise<FeatureExtractor>;

const registry = new Map<string, FeatureExtractorFactory>();

/** Registers (or replaces) the factory for feature `name`. */
export function registerFeatureExtractor(name: string, factory: FeatureExtractorFactory): void {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) {
    throw new Error(`invalid feature name ${JSON.stringify(name)}`);
  }
  registry.set(name, factory);
}

/** Names of all registered features (available or not). */
export function featureNames(): string[] {
  return [...registry.keys()];
}

/** Creates the extractor registered as `name`; throws a clear error for an unknown name. */
export async function createFeatureExtractor(name: string): Promise<FeatureExtractor> {
  const factory = registry.get(name);
  if (!factory) {
    throw new Error(
      `unknown feature ${JSON.stringify(name)} (known: ${featureNames().join(", ")})`,
    );
  }
  const extractor = await factory();
  if (extractor.name !== name || !(extractor.length > 0)) {
    throw new Error(
      `feature extractor ${name} reports name ${extractor.name}, length ${extractor.length}`,
    );
  }
  return extractor;
}

/** The seed's whole-image HOG (72 values): 8 orientations, 16 px cells, 1-cell blocks. */
export function hogExtractor(): FeatureExtractor {
  const gradients = {
    gx: new Int16Array(FER_SIZE * FER_SIZE),
    gy: new Int16Array(FER_SIZE * FER_SIZE),
  };
  return {
    name: "hog",
    length: hogLength(FER_SIZE, FER_SIZE, FACE_HOG),
    extract(image, out, offset) {
      imageGradients(image, FER_SIZE, FER_SIZE, gradients);
      hogWindow(gradients, FER_SIZE, 0, 0, FER_SIZE, FER_SIZE, FACE_HOG, out, offset);
    },
  };
}

/** The seed's sliding-window HOG (2,592 values): 24 px windows every 6 px, 8 px cells. */
export function hogWindowsExtractor(): FeatureExtractor {
  const gradients = {
    gx: new Int16Array(FER_SIZE * FER_SIZE),
    gy: new Int16Array(FER_SIZE * FER_SIZE),
  };
  return {
    name: "hogWindows",
    length: slidingHogLength(FER_SIZE, FER_SIZE, FACE_HOG_WINDOWS),
    extract(image, out, offset) {
      imageGradients(image, FER_SIZE, FER_SIZE, gradients);
      slidingHog(image, FER_SIZE, FER_SIZE, FACE_HOG_WINDOWS, out, offset, gradients);
    },
  };
}

/** Module that provides landmarks once the landmark work lands (see the module docs). */
export const LANDMARK_MODULE = new URL("../landmarks/feature.ts", import.meta.url);

async function landmarkExtractor(): Promise<FeatureExtractor> {
  let module: { createLandmarkFeatureExtractor?: () => Promise<FeatureExtractor> };
  try {
    // A computed specifier: the module may not exist yet, and must not break type checking.
    const specifier = LANDMARK_MODULE.href;
    module = await import(specifier);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/Module not found|Cannot find module|No such file/i.test(message)) {
      throw new Error(
        "landmarks: not available yet (training/landmarks/feature.ts has not landed); run without --landmarks",
      );
    }
    throw error;
  }
  if (typeof module.createLandmarkFeatureExtractor !== "function") {
    throw new Error(`${LANDMARK_MODULE.pathname} does not export createLandmarkFeatureExtractor()`);
  }
  return await module.createLandmarkFeatureExtractor();
}

registerFeatureExtractor("hog", hogExtractor);
registerFeatureExtractor("hogWindows", hogWindowsExtractor);
registerFeatureExtractor("landmarks", landmarkExtractor);
