/**
 * The canary inference: a fixed synthetic input through the served detector and classifier, whose
 * result is recorded at start-up and must come out the same later. A wasm trap or a corrupted heap
 * in the tfjs backend shows as a throw or as different numbers here, so the server can notice that
 * it is broken instead of answering wrong or failing every request while `/healthz` says ok.
 *
 * @module
 */
import type { RgbaImage } from "../face.ts";
import type { FaceDetector } from "../detector/types.ts";
import type { FaceClassifier } from "../classifier/classifier.ts";

/** What one canary run produced, as plain numbers. */
export interface CanaryReading {
  /** Each detected face as `[x, y, width, height, score]`. */
  faces: number[][];
  /** Each canary face's class probabilities, in label order. */
  scores: number[][];
}

/** Runs the canary once; throws when the inference itself fails. */
export type CanaryProbe = () => Promise<CanaryReading>;

/** Largest difference allowed between a reading and the start-up one (same input, same kernels). */
export const CANARY_TOLERANCE = 1e-3;

const WIDTH = 256;
const HEIGHT = 192;

/**
 * A 256x192 synthetic scene: a gradient background with a light oval, two dark eyes and a mouth.
 * Whether or not the detector calls it a face, it always gives the same boxes and scores.
 */
export function canaryImage(): RgbaImage {
  const data = new Uint8ClampedArray(WIDTH * HEIGHT * 4);
  const inEllipse = (x: number, y: number, cx: number, cy: number, rx: number, ry: number) =>
    ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      let rgb = [60 + x / 4, 80 + y / 4, 110];
      if (inEllipse(x, y, 128, 96, 48, 62)) rgb = [224, 180, 150];
      if (inEllipse(x, y, 110, 82, 8, 5) || inEllipse(x, y, 146, 82, 8, 5)) rgb = [40, 30, 30];
      if (inEllipse(x, y, 128, 128, 18, 5)) rgb = [150, 60, 60];
      data.set([rgb[0], rgb[1], rgb[2], 255], (y * WIDTH + x) * 4);
    }
  }
  return { width: WIDTH, height: HEIGHT, data };
}

/** Two fixed grayscale faces of `faceBytes` bytes each: a diagonal gradient and a checkerboard. */
export function canaryFaces(faceBytes: number): Uint8Array[] {
  const side = Math.round(Math.sqrt(faceBytes));
  const gradient = new Uint8Array(faceBytes);
  const checker = new Uint8Array(faceBytes);
  for (let i = 0; i < faceBytes; i++) {
    const [x, y] = [i % side, Math.floor(i / side)];
    gradient[i] = Math.round(((x + y) / (2 * side)) * 255);
    checker[i] = ((x >> 3) + (y >> 3)) % 2 === 0 ? 200 : 40;
  }
  return [gradient, checker];
}

/**
 * The canary for the served models. Each run passes a fresh copy of the image, so a detector that
 * writes into its input cannot change the next run.
 *
 * @example
 * ```ts
 * const probe = modelCanary({ detector, classifier });
 * const baseline = await probe();
 * ```
 */
export function modelCanary(models: {
  detector: Pick<FaceDetector, "detect">;
  classifier: FaceClassifier;
}): CanaryProbe {
  const image = canaryImage();
  const faces = canaryFaces(models.classifier.faceBytes);
  return async () => {
    const detected = await models.detector.detect({ ...image, data: image.data.slice() });
    const scored = await models.classifier.classify(faces);
    return {
      faces: detected.map(({ box, score }) => [box.x, box.y, box.width, box.height, score]),
      scores: scored.map((face) => Object.values(face.scores)),
    };
  };
}

/**
 * How `reading` differs from `baseline`, or `undefined` when they agree within `tolerance` (scores
 * absolutely; boxes relative to their size, so a pixel of drift on a large box is still the same).
 */
export function canaryMismatch(
  baseline: CanaryReading,
  reading: CanaryReading,
  tolerance = CANARY_TOLERANCE,
): string | undefined {
  if (reading.faces.length !== baseline.faces.length) {
    return `${reading.faces.length} faces detected, ${baseline.faces.length} at start-up`;
  }
  if (reading.scores.length !== baseline.scores.length) {
    return `${reading.scores.length} faces scored, ${baseline.scores.length} at start-up`;
  }
  for (const [i, face] of reading.faces.entries()) {
    const scale = Math.max(1, baseline.faces[i][2], baseline.faces[i][3]);
    const off = face.findIndex((v, k) =>
      !(Math.abs(v - baseline.faces[i][k]) <= tolerance * (k < 4 ? scale : 1))
    );
    if (off >= 0) {
      return `face ${i} detection [${face}] differs from [${baseline.faces[i]}] at start-up`;
    }
  }
  for (const [i, scores] of reading.scores.entries()) {
    const base = baseline.scores[i];
    const off = scores.length !== base.length ||
      scores.some((v, k) => !(Math.abs(v - base[k]) <= tolerance));
    if (off) return `canary face ${i} scores [${scores}] differ from [${base}] at start-up`;
  }
  return undefined;
}
