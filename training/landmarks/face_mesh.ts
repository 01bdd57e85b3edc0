/**
 * MediaPipe's face-mesh landmark model (`face_landmark.tflite`, 192 x 192 RGB in, 468 x 3 points
 * and a face-presence logit out) run on TensorFlow.js through the project's TFLite graph runner
 * (`src/detector/tfjs/graph.ts`), so it works on the wasm backend in Deno without MediaPipe's own
 * wasm runtime.
 *
 * FER2013 images are already face crops, so there is no detection step (as in the seed). MediaPipe
 * feeds the landmark model a region 1.5x the size of a detected face box; a FER crop is tighter than
 * that, so each image is mirror-padded by {@link DEFAULT_PAD_FRACTION} of its size before scaling
 * to 192 px. On 200 FER2013 training images, 0.25 gave fewer low-presence results (18) than no
 * padding (22) or 0.5 (20).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { parseTflite } from "../../src/detector/tflite/model.ts";
import { TfjsGraph } from "../../src/detector/tfjs/graph.ts";
import { readPackedAsset } from "./assets.ts";
import { FACE_MESH_POINTS } from "./subset.ts";

/** The packed model file used. */
export const FACE_LANDMARK_MODEL = "face_landmark.tflite";
/** Input side of the model in pixels. */
export const FACE_MESH_INPUT = 192;
/** Padding added around a face crop, as a fraction of its side (split over both sides). */
export const DEFAULT_PAD_FRACTION = 0.25;
/** Face-presence score (sigmoid of the model's flag) under which MediaPipe drops a face. */
export const PRESENCE_THRESHOLD = 0.5;

/** Landmarks of one image. */
export interface FaceMeshResult {
  /** 468 x (x, y, z): x and y normalised to the input image (0..1 inside it), z in x's scale. */
  points: Float32Array;
  /** Face-presence probability; below {@link PRESENCE_THRESHOLD} the landmarks are unreliable. */
  presence: number;
}

/** Options of {@link FaceMeshLandmarker.load}. */
export interface FaceMeshOptions {
  /** Padding fraction around each crop (default {@link DEFAULT_PAD_FRACTION}). */
  padFraction?: number;
  /** The `.tflite` bytes (default: read from the installed `@mediapipe/face_mesh`). */
  model?: Uint8Array;
}

/** Runs the face-mesh landmark model on square grayscale face crops. */
export class FaceMeshLandmarker {
  readonly #graph: TfjsGraph;
  /** Padding fraction applied around every crop. */
  readonly padFraction: number;

  private constructor(graph: TfjsGraph, padFraction: number) {
    this.#graph = graph;
    this.padFraction = padFraction;
  }

  /** Loads the model onto the active tfjs backend (call `useWasmBackend()` first for wasm). */
  static async load(options: FaceMeshOptions = {}): Promise<FaceMeshLandmarker> {
    const padFraction = options.padFraction ?? DEFAULT_PAD_FRACTION;
    if (!(padFraction >= 0 && padFraction <= 1)) {
      throw new Error(`padFraction must be in [0, 1], got ${padFraction}`);
    }
    const bytes = options.model ?? await readPackedAsset(FACE_LANDMARK_MODEL);
    const graph = new TfjsGraph(parseTflite(bytes));
    const [, h, w, c] = graph.inputShape;
    if (h !== FACE_MESH_INPUT || w !== FACE_MESH_INPUT || c !== 3) {
      graph.dispose();
      throw new Error(`${FACE_LANDMARK_MODEL}: expected a 192x192 RGB input, found ${[h, w, c]}`);
    }
    return new FaceMeshLandmarker(graph, padFraction);
  }

  /**
   * Landmarks of `count` square grayscale images of `size` x `size` stored one after another in
   * `pixels` (0..255). Throws if the buffer length does not match.
   */
  detect(pixels: Uint8Array, size: number, count = 1): FaceMeshResult[] {
    if (!(Number.isInteger(size) && size > 0) || !(Number.isInteger(count) && count > 0)) {
      throw new Error(`bad image size ${size} or count ${count}`);
    }
    if (pixels.length !== size * size * count) {
      throw new Error(
        `expected ${count} images of ${size}x${size} (${
          size * size * count
        } bytes), got ${pixels.length}`,
      );
    }
    const pad = Math.round((size * this.padFraction) / 2);
    const [landmarks, flags] = tf.tidy(() => {
      let images = tf.tensor4d(pixels, [count, size, size, 1], "float32").div(255) as tf.Tensor4D;
      if (pad > 0) {
        // Symmetric padding mirrors at most `size` pixels; larger pads would need repeats.
        images = tf.mirrorPad(images, [[0, 0], [pad, pad], [pad, pad], [0, 0]], "symmetric");
      }
      const input = tf.image.resizeBilinear(images, [FACE_MESH_INPUT, FACE_MESH_INPUT])
        .tile([1, 1, 1, 3]) as tf.Tensor4D;
      const [points, flag] = this.#graph.run(input);
      return [points.reshape([count, FACE_MESH_POINTS * 3]), flag.reshape([count])];
    });
    const raw = landmarks.dataSync() as Float32Array;
    const logits = flags.dataSync();
    landmarks.dispose();
    flags.dispose();
    const padded = size + 2 * pad;
    // Model pixels -> padded-frame fraction -> original-image fraction.
    const scale = padded / FACE_MESH_INPUT / size;
    const offset = pad / size;
    return Array.from({ length: count }, (_, n) => {
      const points = raw.slice(n * FACE_MESH_POINTS * 3, (n + 1) * FACE_MESH_POINTS * 3);
      for (let p = 0; p < FACE_MESH_POINTS; p++) {
        points[3 * p] = points[3 * p] * scale - offset;
        points[3 * p + 1] = points[3 * p + 1] * scale - offset;
        points[3 * p + 2] = points[3 * p + 2] * scale;
      }
      return { points, presence: 1 / (1 + Math.exp(-logits[n])) };
    });
  }

  /** Frees the model weights. */
  dispose(): void {
    this.#graph.dispose();
  }
}
