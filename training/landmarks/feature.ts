/**
 * The `landmarks` feature for `deno task prepare --landmarks` (found by `training/data/features.ts`):
 * per FER image, x and y of the 128 contour points of {@link contourSubset} (normalised to the
 * 48 x 48 image) followed by the face-presence score: 257 values. Images whose presence score is
 * below {@link PRESENCE_THRESHOLD} keep the model's best-guess points and are counted as failures,
 * which `close()` reports.
 *
 * @module
 */
import type { FeatureExtractor } from "../data/features.ts";
import { FER_SIZE } from "../../src/face.ts";
import { useWasmBackend } from "../../src/backend.ts";
import { FaceMeshLandmarker, type FaceMeshOptions, PRESENCE_THRESHOLD } from "./face_mesh.ts";
import { contourSubset } from "./subset.ts";

/** Counts kept by a landmark extractor. */
export interface LandmarkStats {
  /** Images processed. */
  images: number;
  /** Images whose face-presence score was below {@link PRESENCE_THRESHOLD}. */
  failures: number;
}

/** A landmark {@link FeatureExtractor} that also exposes its failure counts. */
export interface LandmarkFeatureExtractor extends FeatureExtractor {
  /** Live counters. */
  readonly stats: LandmarkStats;
}

/** Options of {@link createLandmarkFeatureExtractor}. */
export interface LandmarkFeatureOptions extends FaceMeshOptions {
  /** Where `close()` writes its one-line failure summary (default stderr; null for silence). */
  report?: ((line: string) => void) | null;
}

/** Formats the failure summary line. */
export function landmarkSummary(stats: LandmarkStats): string {
  const rate = stats.images ? (100 * stats.failures) / stats.images : 0;
  return `landmarks: ${stats.failures} of ${stats.images} images (${rate.toFixed(2)}%) below ` +
    `face-presence ${PRESENCE_THRESHOLD}; their best-guess points are kept`;
}

/** Loads the face-mesh model on tfjs-wasm and returns the `landmarks` extractor. */
export async function createLandmarkFeatureExtractor(
  options: LandmarkFeatureOptions = {},
): Promise<LandmarkFeatureExtractor> {
  await useWasmBackend();
  const landmarker = await FaceMeshLandmarker.load(options);
  const subset = contourSubset();
  const stats: LandmarkStats = { images: 0, failures: 0 };
  const report = options.report === undefined
    ? (line: string) => console.error(line)
    : options.report;
  return {
    name: "landmarks",
    length: 2 * subset.length + 1,
    stats,
    extract(image, out, offset) {
      const [{ points, presence }] = landmarker.detect(image, FER_SIZE);
      stats.images++;
      if (presence < PRESENCE_THRESHOLD) stats.failures++;
      for (let i = 0; i < subset.length; i++) {
        out[offset + 2 * i] = points[3 * subset[i]];
        out[offset + 2 * i + 1] = points[3 * subset[i] + 1];
      }
      out[offset + 2 * subset.length] = presence;
    },
    close() {
      landmarker.dispose();
      if (report && stats.images > 0) report(landmarkSummary(stats));
    },
  };
}
