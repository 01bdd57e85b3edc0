/**
 * Face detection: the {@link FaceDetector} contract and a factory that builds the server-side
 * detector (BlazeFace run with TensorFlow.js on the wasm backend).
 *
 * @module
 */
export type { DetectedFace, FaceBox, FaceDetector } from "./types.ts";
import type { FaceDetector } from "./types.ts";
import { type BlazeFaceConfig, FULL_RANGE, SHORT_RANGE } from "./blazeface/config.ts";
import { useWasmBackend } from "../backend.ts";
import { loadBlazeFaceGraph } from "./tfjs/load.ts";
import { TfjsFaceDetector } from "./tfjs/detector.ts";
import { DEFAULT_TILING, type TilingOptions } from "./tfjs/windows.ts";
import { RetryingFaceDetector } from "./retry.ts";

/** Options for {@link createFaceDetector}. */
export interface FaceDetectorOptions {
  /** `"full"` (default, faces up to ~5 m, group photos) or `"short"` (selfie distance). */
  model?: "full" | "short";
  /** Minimum score for a face to be reported (0..1); defaults to MediaPipe's for the model. */
  minScore?: number;
  /** Tiling of large photos; `{ tileFraction: 0 }` looks at the whole image only. */
  tiling?: Partial<TilingOptions>;
  /** Model file to load instead of `static/models/<model file>`. */
  modelUrl?: URL;
  /** Skip selecting the wasm backend (tests or callers that picked a backend themselves). */
  keepBackend?: boolean;
  /**
   * When a pass finds no face, look again at the photo drawn with a margin, upright and turned
   * ±30°, with the short-range model (default true; see `./retry.ts`). Tight crops and small faces
   * need it.
   */
  retry?: boolean;
}

/** Loads the BlazeFace weights from `static/models/` and returns a ready detector. */
export async function createFaceDetector(options: FaceDetectorOptions = {}): Promise<FaceDetector> {
  const config: BlazeFaceConfig = (options.model ?? "full") === "full" ? FULL_RANGE : SHORT_RANGE;
  const minScore = options.minScore ?? config.minScore;
  if (!(minScore > 0 && minScore < 1)) {
    throw new RangeError(`minScore must be in (0, 1), got ${minScore}`);
  }
  if (!options.keepBackend) await useWasmBackend();
  const graph = await loadBlazeFaceGraph(config, options.modelUrl);
  const first = new TfjsFaceDetector(graph, config, minScore, {
    ...DEFAULT_TILING,
    ...options.tiling,
  });
  if (options.retry === false) return first;
  // The retry canvases are small (256 px): the short-range model, at the page's threshold (each
  // retry step then asks for a higher score, see static/js/retry_canvas.js).
  const retryGraph = await loadBlazeFaceGraph(SHORT_RANGE).catch((error) => {
    first.dispose();
    throw error;
  });
  const retry = new TfjsFaceDetector(retryGraph, SHORT_RANGE, SHORT_RANGE.minScore, {
    ...DEFAULT_TILING,
    tileFraction: 0,
  });
  return new RetryingFaceDetector(first, retry);
}
