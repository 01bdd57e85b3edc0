// @ts-check
/// <reference lib="dom" />
/**
 * Photo mode: send a chosen or dropped photo to `POST /api/predict` (or, in in-browser mode, detect
 * and classify it in this page), draw the faces (box, emotion, confidence) onto the photo and list
 * each face with a score bar per label of the served model (8 for a FER+ model).
 *
 * @module
 */
import { ClassifyError, scoresToArray } from "./classifiers.js";
import { detectPhotoFaces } from "./detector.js";
import { cropAlignedFacesFromContext } from "./face_align.js";
import { cropFacesFromContext } from "./face_crop.js";
import { displayName } from "./labels.js";
import { drawFaces, renderScoreBars } from "./overlay.js";
import { argmax } from "./smoothing.js";

/** Longest side the result canvas is drawn at; larger photos are scaled down for display. */
const MAX_CANVAS_SIDE = 1280;

/**
 * @typedef {object} PhotoFace
 * @property {import("./face_crop.js").Box} box in photo pixels
 * @property {number[]} scores in the served model's label order
 * @property {string} emotion
 * @property {number} confidence
 */

/**
 * Faces from a `/api/predict` answer, scores in `labels` order.
 * @param {unknown} json
 * @param {readonly string[]} labels the served model's labels
 * @returns {PhotoFace[]}
 */
export function parsePredictResponse(json, labels) {
  const body = /** @type {{ faces?: unknown }} */ (json ?? {});
  if (!Array.isArray(body.faces)) throw new TypeError("predict response has no faces list");
  return body.faces.map((/** @type {any} */ f) => {
    const b = f?.box;
    if (![b?.x, b?.y, b?.width, b?.height].every((v) => typeof v === "number")) {
      throw new TypeError("predict response face has no box");
    }
    return {
      box: { x: b.x, y: b.y, width: b.width, height: b.height },
      scores: scoresToArray(f.scores, labels),
      emotion: String(f.emotion),
      confidence: Number(f.confidence),
    };
  });
}

/**
 * Sends `file` to the server.
 * @param {Blob} file
 * @param {readonly string[]} labels the served model's labels
 * @param {string} [endpoint]
 * @returns {Promise<PhotoFace[]>}
 */
export async function predictOnServer(file, labels, endpoint = "/api/predict") {
  let response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": file.type || "application/octet-stream" },
      body: file,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new ClassifyError(`server unreachable (${/** @type {Error} */ (error).message})`, 0);
  }
  const json = await response.json().catch(() => undefined);
  if (!response.ok) {
    const detail = json && typeof json.error === "string" ? json.error : response.statusText;
    throw new ClassifyError(`server answered ${response.status}: ${detail}`, response.status);
  }
  try {
    return parsePredictResponse(json, labels);
  } catch (error) {
    throw new ClassifyError(/** @type {Error} */ (error).message, response.status);
  }
}

/**
 * Decodes `file`, draws it on `canvas` (scaled to at most {@link MAX_CANVAS_SIDE}) and returns the
 * decoded bitmap (the caller closes it) and the display scale.
 * @param {Blob} file
 * @param {HTMLCanvasElement} canvas
 */
export async function drawPhoto(file, canvas) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error("This file is not an image the browser can decode.");
  }
  const scale = Math.min(1, MAX_CANVAS_SIDE / Math.max(bitmap.width, bitmap.height));
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return { bitmap, scale };
}

/**
 * Photo analysis without the server: the page's own detector (IMAGE mode, with the server's retry
 * on padded and turned canvases) and classifier, on crops aligned as the server aligns them.
 * @param {ImageBitmap} bitmap the decoded photo
 * @param {{ detect(image: any): any }} detector a tasks-vision FaceDetector in IMAGE mode
 * @param {(faces: Uint8Array[]) => Promise<number[][]>} classify
 * @param {readonly string[]} labels the classifier's labels, in score order
 * @param {{ align?: boolean }} [options] `align: false` crops upright (the server's `align` off)
 * @returns {Promise<PhotoFace[]>}
 */
export async function predictInBrowser(bitmap, detector, classify, labels, { align = true } = {}) {
  const { width, height } = bitmap;
  const detections = detectPhotoFaces(detector, bitmap);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = /** @type {OffscreenCanvasRenderingContext2D} */ (
    canvas.getContext("2d", { willReadFrequently: true })
  );
  ctx.drawImage(bitmap, 0, 0);
  const boxes = detections.map((d) => d.box);
  const crops = align
    ? cropAlignedFacesFromContext(ctx, detections, width, height)
    : cropFacesFromContext(ctx, boxes, width, height);
  const scores = await classify(crops);
  return boxes.map((box, i) => {
    const { index, value } = argmax(scores[i]);
    return { box, scores: scores[i], emotion: labels[index], confidence: value };
  });
}

/**
 * Draws `faces` (photo pixels) over the photo already on `canvas` at display `scale`.
 * @param {HTMLCanvasElement} canvas
 * @param {PhotoFace[]} faces
 * @param {number} scale
 * @param {readonly string[]} labels the served model's labels, in score order
 */
export function drawPhotoFaces(canvas, faces, scale, labels) {
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  drawFaces(
    ctx,
    faces.map((f) => ({
      box: {
        x: f.box.x * scale,
        y: f.box.y * scale,
        width: f.box.width * scale,
        height: f.box.height * scale,
      },
      scores: f.scores,
    })),
    labels,
  );
}

/**
 * Lists `faces` in `list` (an `<ol>`): per face a title (`Face 1: Happy 87%`, in `.face-title`) and
 * its score bars, one per label of the model.
 * @param {HTMLElement} list
 * @param {PhotoFace[]} faces
 * @param {readonly string[]} labels the served model's labels, in score order
 */
export function listPhotoFaces(list, faces, labels) {
  list.replaceChildren(...faces.map((f, i) => {
    const item = document.createElement("li");
    const title = Object.assign(document.createElement("p"), {
      className: "face-title",
      textContent: `Face ${i + 1}: ${displayName(f.emotion)} ${Math.round(f.confidence * 100)}%`,
    });
    const bars = Object.assign(document.createElement("ul"), { className: "bars" });
    renderScoreBars(bars, f.scores, labels);
    item.append(title, bars);
    return item;
  }));
}
