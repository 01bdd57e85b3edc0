/**
 * Runs every photo of a labelled folder through the exact `POST /api/predict` path in process
 * (`predictImage`: decode, detect, align, crop, classify) and keeps, per photo, the face the model
 * judged: with several faces found, the one with the highest detection score.
 *
 * @module
 */
import { join } from "node:path";
import type { FaceClassifier } from "../../src/classifier/classifier.ts";
import type { FaceDetector } from "../../src/detector/types.ts";
import type { FaceBox } from "../../src/face.ts";
import { predictImage, wholeImageGray48 } from "../../src/server/predict_image.ts";
import { decodeImage } from "../../src/image/decode.ts";
import type { LabelledPhoto } from "./labels_csv.ts";

/** How the photos go through the pipeline. */
export interface PhotoMode {
  /** Find faces (`/api/predict`'s default) or classify the whole image (`?detect=false`). */
  detect: boolean;
  /** Turn each crop so the eyes are level (ignored without detection). */
  align: boolean;
}

/** What happened to one photo. */
export interface PhotoPrediction {
  file: string;
  /** The true label. */
  label: string;
  /** The judged face's class, or `null` when no face was found or the photo could not be read. */
  predicted: string | null;
  /** The judged face's class probabilities (4 decimals, as the API answers). */
  scores: Record<string, number> | null;
  /** The judged face's detection score (1 without detection). */
  detectionScore: number | null;
  /** The judged face's box in photo pixels. */
  box: FaceBox | null;
  /** Faces found in the photo. */
  faces: number;
  /** Why the photo could not be used (unreadable, not an image, ...). */
  error?: string;
  /**
   * The 48×48 grayscale crop the model saw for the judged face (2304 bytes); for a photo without
   * a face, the whole photo squeezed to 48×48, for the report.
   */
  crop?: Uint8Array;
}

/** A classifier that remembers the crops of its latest call, so the report can show them. */
class CropRecorder implements FaceClassifier {
  readonly #inner: FaceClassifier;
  last: readonly Uint8Array[] = [];
  constructor(inner: FaceClassifier) {
    this.#inner = inner;
  }
  get labels(): readonly string[] {
    return this.#inner.labels;
  }
  get faceBytes(): number {
    return this.#inner.faceBytes;
  }
  classify(...args: Parameters<FaceClassifier["classify"]>) {
    this.last = args[0];
    return this.#inner.classify(...args);
  }
}

/** Options of {@link predictPhotos}. */
export interface PredictPhotosOptions {
  /** Called after each photo with the number done. */
  onProgress?: (done: number) => void;
}

/**
 * Predicts every photo in `photos` (files in `dir`) with `mode`. Photos that cannot be read or
 * decoded are recorded with `error` and no prediction, never skipped.
 *
 * @example
 * ```ts
 * const results = await predictPhotos("photos/", photos, { detector, classifier },
 *   { detect: true, align: true });
 * ```
 */
export async function predictPhotos(
  dir: string,
  photos: readonly LabelledPhoto[],
  models: { detector: Pick<FaceDetector, "detect">; classifier: FaceClassifier },
  mode: PhotoMode,
  options: PredictPhotosOptions = {},
): Promise<PhotoPrediction[]> {
  const recorder = new CropRecorder(models.classifier);
  const pipeline = { detector: models.detector, classifier: recorder };
  const out: PhotoPrediction[] = [];
  for (const photo of photos) {
    const record: PhotoPrediction = {
      file: photo.file,
      label: photo.label,
      predicted: null,
      scores: null,
      detectionScore: null,
      box: null,
      faces: 0,
    };
    try {
      const bytes = await Deno.readFile(join(dir, photo.file));
      recorder.last = [];
      const result = await predictImage(bytes, pipeline, {
        detect: mode.detect,
        align: mode.align,
      });
      record.faces = result.faces.length;
      if (result.faces.length > 0) {
        let best = 0;
        result.faces.forEach((f, i) => {
          if (f.detectionScore > result.faces[best].detectionScore) best = i;
        });
        const face = result.faces[best];
        record.predicted = face.emotion;
        record.scores = face.scores;
        record.detectionScore = face.detectionScore;
        record.box = face.box;
        record.crop = recorder.last[best];
      } else {
        record.crop = wholeImageGray48(await decodeImage(bytes));
      }
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    }
    out.push(record);
    options.onProgress?.(out.length);
  }
  return out;
}
