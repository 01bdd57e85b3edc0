/**
 * The prediction pipeline shared by `POST /api/predict`, `deno task predict` and the serving
 * benchmark: decode, find faces, crop each to 48x48 gray, classify all crops in one batch.
 *
 * @module
 */
import { type FaceBox, FER_SIZE, type RgbaImage } from "../face.ts";
import { decodeImage } from "../image/decode.ts";
import { cropFaceGray48 } from "../image/crop.ts";
import { cropAlignedFaceGray48 } from "../image/align.ts";
import { toGrayscale } from "../image/gray.ts";
import { resizeArea } from "../image/resize.ts";
import type { FaceDetector } from "../detector/types.ts";
import type { FaceClassifier, FaceScores } from "../classifier/classifier.ts";
import type { ClassifyTta } from "../classifier/views.ts";
import { roundFaceScores } from "../classifier/postprocess.ts";

/** The models the pipeline runs. */
export interface PredictModels {
  /** Finds faces; only `detect` is used. */
  detector: Pick<FaceDetector, "detect">;
  /** Classifies 48x48 crops. */
  classifier: FaceClassifier;
}

/** Options for {@link predictImage}. */
export interface PredictOptions {
  /** Find faces (default); `false` classifies the whole image as one pre-cropped face. */
  detect?: boolean;
  /** Pixel limit passed to the decoder. */
  maxPixels?: number;
  /** The declared media type of `bytes`. */
  contentType?: string;
  /** Test-time views per face (default `none`). */
  tta?: ClassifyTta;
  /** Turn each crop so the eyes are level (default true; `false` crops upright, as before). */
  align?: boolean;
}

/** One face found and classified. */
export interface PredictedFace extends FaceScores {
  /** Where the face is, in pixels of the (EXIF-rotated) image. */
  box: FaceBox;
  /** The detector's confidence that this is a face (1 when detection was skipped). */
  detectionScore: number;
}

/** Milliseconds spent in each stage. */
export interface PredictTimings {
  decode: number;
  detect: number;
  classify: number;
  total: number;
}

/** What {@link predictImage} found. */
export interface PredictResult {
  /** Faces, highest detection score first. */
  faces: PredictedFace[];
  /** Size of the decoded image. */
  image: { width: number; height: number };
  /** Stage timings, rounded to 0.01 ms. */
  timingsMs: PredictTimings;
  /** The test-time views each face was classified with. */
  tta: ClassifyTta;
}

const round2 = (ms: number) => Math.round(ms * 100) / 100;
const round1 = (px: number) => Math.round(px * 10) / 10;

/** Box with coordinates rounded to 0.1 px: finer digits are noise and bloat the JSON. */
function roundBox(box: FaceBox): FaceBox {
  return {
    x: round1(box.x),
    y: round1(box.y),
    width: round1(box.width),
    height: round1(box.height),
  };
}

/** The whole image squeezed to 48x48 gray, for faces that were cropped already. */
export function wholeImageGray48(image: RgbaImage): Uint8Array {
  const gray = toGrayscale(image);
  const resized = resizeArea(
    { width: image.width, height: image.height, channels: 1, data: gray },
    { x: 0, y: 0, width: image.width, height: image.height },
    FER_SIZE,
    FER_SIZE,
  );
  return Uint8Array.from(resized.data, (v) => Math.round(v));
}

/**
 * Decodes `bytes`, finds and classifies every face.
 *
 * @throws {ImageInputError} for images that cannot be used (empty, too large, not an image, corrupt
 * or truncated).
 */
export async function predictImage(
  bytes: Uint8Array,
  models: PredictModels,
  options: PredictOptions = {},
): Promise<PredictResult> {
  const t0 = performance.now();
  const tta = options.tta ?? "none";
  const image = await decodeImage(bytes, {
    maxPixels: options.maxPixels,
    contentType: options.contentType,
  });
  const t1 = performance.now();
  let boxes: { box: FaceBox; score: number }[];
  let crops: Uint8Array[];
  if (options.detect === false) {
    boxes = [{ box: { x: 0, y: 0, width: image.width, height: image.height }, score: 1 }];
    crops = [wholeImageGray48(image)];
  } else {
    const faces = await models.detector.detect(image);
    boxes = faces;
    crops = faces.map((face) =>
      options.align === false ? cropFaceGray48(image, face.box) : cropAlignedFaceGray48(image, face)
    );
  }
  const t2 = performance.now();
  const scores = await models.classifier.classify(crops, { tta });
  const t3 = performance.now();
  return {
    faces: boxes.map((face, i) => ({
      box: roundBox(face.box),
      ...roundFaceScores(scores[i]),
      detectionScore: Math.round(face.score * 1e4) / 1e4,
    })),
    image: { width: image.width, height: image.height },
    tta,
    timingsMs: {
      decode: round2(t1 - t0),
      detect: round2(t2 - t1),
      classify: round2(t3 - t2),
      total: round2(t3 - t0),
    },
  };
}
