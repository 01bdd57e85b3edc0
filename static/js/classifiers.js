// @ts-check
/// <reference lib="dom" />
/**
 * The two ways the page turns 48x48 grayscale faces into class scores: `POST /api/classify` on the
 * server, or the same quantized model (or model set) run in this browser with tfjs on its wasm
 * backend.
 *
 * @module
 */
import { checkLabels, EMOTIONS } from "./labels.js";
import { FER_PIXELS } from "./face_contract.js";
import { applyTemperature } from "./scores.js";

export { applyTemperature };

/** Bytes of one 48x48 grayscale face. */
export const FACE_BYTES = FER_PIXELS;

/** The server could not be reached or answered with an error; `status` is 0 when unreachable. */
export class ClassifyError extends Error {
  /**
   * @param {string} message
   * @param {number} status HTTP status, or 0 for a network failure
   */
  constructor(message, status) {
    super(message);
    this.name = "ClassifyError";
    this.status = status;
  }
}

/**
 * Packs faces into the compact binary body of `POST /api/classify`: the faces' 2304 bytes each,
 * back to back (the server derives the count from the length).
 * @param {Uint8Array[]} faces
 */
export function packFaces(faces) {
  const body = new Uint8Array(faces.length * FACE_BYTES);
  faces.forEach((face, i) => {
    if (face.length !== FACE_BYTES) {
      throw new RangeError(`face ${i} has ${face.length} bytes, expected ${FACE_BYTES}`);
    }
    body.set(face, i * FACE_BYTES);
  });
  return body;
}

/**
 * Reads one face's scores as an array in `labels` order (the served model's labels), from either an
 * object keyed by class name (`{ happy: 0.9, ... }`, what the API answers) or an array. An object
 * with another set of labels is refused, not read in part: a FER+ answer read with the seven
 * FER2013 labels would lose its contempt score.
 * @param {unknown} scores
 * @param {readonly string[]} labels
 * @returns {number[]}
 */
export function scoresToArray(scores, labels) {
  if (Array.isArray(scores)) {
    if (scores.length !== labels.length || !scores.every((s) => typeof s === "number")) {
      throw new TypeError(`expected ${labels.length} numeric scores, got ${scores.length}`);
    }
    return [...scores];
  }
  if (scores && typeof scores === "object") {
    const record = /** @type {Record<string, unknown>} */ (scores);
    const unknown = Object.keys(record).filter((k) => !labels.includes(k));
    if (unknown.length > 0) {
      throw new TypeError(
        `scores for labels the model does not list (${unknown.join(", ")}); ` +
          `its labels are ${labels.join(", ")}`,
      );
    }
    return labels.map((e) => {
      const v = record[e];
      if (typeof v !== "number") throw new TypeError(`score for "${e}" is missing`);
      return v;
    });
  }
  throw new TypeError("scores must be an array or an object keyed by emotion");
}

/**
 * Score rows from a `/api/classify` JSON answer: `{ faces: [{ scores }] }` (also accepted:
 * `results` for `faces`, or `scores` as a list of rows), in `labels` order.
 * @param {unknown} json
 * @param {readonly string[]} labels the served model's labels
 * @returns {number[][]}
 */
export function parseClassifyResponse(json, labels) {
  const body = /** @type {Record<string, unknown>} */ (json ?? {});
  const faces = body.faces ?? body.results;
  if (Array.isArray(faces)) {
    return faces.map((f) => scoresToArray(/** @type {{ scores: unknown }} */ (f).scores, labels));
  }
  if (Array.isArray(body.scores)) return body.scores.map((row) => scoresToArray(row, labels));
  throw new TypeError("classify response has no faces");
}

/**
 * The served model's labels, from `GET /api/model` (7 for `models/default`, 8 for a FER+ model).
 * @param {{ endpoint?: string, timeoutMs?: number }} [options]
 * @returns {Promise<string[]>}
 * @throws {ClassifyError} when the server cannot be reached (status 0) or answers an error
 */
export async function fetchServerLabels({ endpoint = "/api/model", timeoutMs = 5000 } = {}) {
  let response;
  try {
    response = await fetch(endpoint, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new ClassifyError(`server unreachable (${/** @type {Error} */ (error).message})`, 0);
  }
  const json = await response.json().catch(() => undefined);
  if (!response.ok) {
    const detail = json && typeof json.error === "string" ? json.error : response.statusText;
    throw new ClassifyError(`server answered ${response.status}: ${detail}`, response.status);
  }
  try {
    return checkLabels(json?.labels, endpoint);
  } catch (error) {
    throw new ClassifyError(/** @type {Error} */ (error).message, response.status);
  }
}

/**
 * `endpoint` with `?tta=flip` added when `tta` is `flip` (the server then averages each face with its
 * mirror image); unchanged for `none`.
 * @param {string} endpoint
 * @param {"none" | "flip"} tta
 */
export function withTta(endpoint, tta) {
  if (tta !== "flip") return endpoint;
  return `${endpoint}${endpoint.includes("?") ? "&" : "?"}tta=flip`;
}

/**
 * Classifies faces on the server.
 * @param {Uint8Array[]} faces 48x48 grayscale faces
 * @param {readonly string[]} labels the served model's labels ({@link fetchServerLabels})
 * @param {{ endpoint?: string, timeoutMs?: number, tta?: "none" | "flip" }} [options]
 * @returns {Promise<number[][]>} scores per face, in `labels` order
 */
export async function classifyOnServer(
  faces,
  labels,
  { endpoint = "/api/classify", timeoutMs = 5000, tta = "none" } = {},
) {
  if (faces.length === 0) return [];
  let response;
  try {
    response = await fetch(withTta(endpoint, tta), {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: packFaces(faces),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new ClassifyError(`server unreachable (${/** @type {Error} */ (error).message})`, 0);
  }
  const json = await response.json().catch(() => undefined);
  if (!response.ok) {
    const detail = json && typeof json.error === "string" ? json.error : response.statusText;
    throw new ClassifyError(`server answered ${response.status}: ${detail}`, response.status);
  }
  let rows;
  try {
    rows = parseClassifyResponse(json, labels);
  } catch (error) {
    throw new ClassifyError(/** @type {Error} */ (error).message, response.status);
  }
  if (rows.length !== faces.length) {
    throw new ClassifyError(
      `sent ${faces.length} faces, got ${rows.length} results`,
      response.status,
    );
  }
  return rows;
}

/**
 * Rows of `count` faces from a flat matrix, temperature applied: every class of the model (7, or 8
 * for a FER+ model), in its label order.
 * @param {Float32Array} flat `count x classes` probabilities
 * @param {number} count
 * @param {number} temperature
 * @returns {number[][]}
 */
export function calibratedRows(flat, count, temperature) {
  const classes = flat.length / count;
  // After the views (and a set's members) are averaged, as on the server: the temperature was
  // fitted on such scores.
  const scaled = temperature === 1 ? flat : applyTemperature(flat, classes, temperature);
  return Array.from(
    { length: count },
    (_, i) => Array.from(scaled.slice(i * classes, (i + 1) * classes)),
  );
}

/**
 * The classifier running in this browser: tfjs with the wasm backend and the server's own quantized
 * model files (served at `/classifier/`), with the pixel scaling and labels read from its
 * `fer-model.json`.
 * `browser_model.js` loads it (or a model set of them).
 */
export class BrowserClassifier {
  /**
   * @param {any} tf the tfjs namespace
   * @param {any} model a tfjs LayersModel
   * @param {{ scale: number, offset: number }} input pixel scaling
   * @param {boolean} [mirrorSymmetric] the model is mirror-tied: a mirror view would score the same
   * @param {number} [temperature] fer-model.json's calibration temperature (1 = none)
   * @param {readonly string[]} [labels] fer-model.json's labels, one per model output (default
   *   the seven FER2013 classes; a FER+ model passes its eight)
   */
  constructor(tf, model, input, mirrorSymmetric = false, temperature = 1, labels = EMOTIONS) {
    if (!(Number.isFinite(temperature) && temperature > 0)) {
      throw new RangeError(`model temperature must be a finite number > 0, got ${temperature}`);
    }
    checkLabels(labels, "the model's fer-model.json");
    // As the server's FerClassifier: a folder whose labels and outputs disagree fails at load.
    const outputs = model?.outputs?.[0]?.shape?.at(-1);
    if (outputs !== undefined && outputs !== labels.length) {
      throw new RangeError(`the model has ${outputs} outputs but ${labels.length} labels`);
    }
    /** Class names in output order: the columns of every row {@link classify} returns. */
    this.labels = labels;
    this.tf = tf;
    this.model = model;
    this.input = input;
    this.mirrorSymmetric = mirrorSymmetric;
    this.temperature = temperature;
  }

  /**
   * The batch {@link BrowserClassifier.probabilities} runs for `faces`: the scaled pixels, then
   * (with `tta: "flip"` and an untied model) their mirror images. Call inside `tf.tidy`.
   * @param {Uint8Array[]} faces 48x48 grayscale faces
   * @param {{ tta?: "none" | "flip" }} [options]
   * @returns {{ x: any, views: number }} the input tensor and the views per face
   */
  batch(faces, { tta = "none" } = {}) {
    const { tf, input } = this;
    const pixels = new Float32Array(faces.length * FACE_BYTES);
    faces.forEach((face, i) => {
      for (let k = 0; k < FACE_BYTES; k++) {
        pixels[i * FACE_BYTES + k] = face[k] * input.scale + input.offset;
      }
    });
    const x = tf.tensor4d(pixels, [faces.length, 48, 48, 1]);
    if (tta !== "flip" || this.mirrorSymmetric) return { x, views: 1 };
    // Axis 2 is the width: the mirror images, scored in the same batch, then averaged.
    return { x: tf.concat([x, tf.reverse(x, 2)], 0), views: 2 };
  }

  /**
   * Per-face probabilities from the model's output on a {@link BrowserClassifier.batch}: the
   * views averaged. Call inside `tf.tidy`.
   * @param {any} output the model's output tensor @param {number} views
   */
  viewMean(output, views) {
    if (views === 1) return output;
    const [plain, mirrored] = this.tf.split(output, 2, 0);
    return this.tf.div(this.tf.add(plain, mirrored), 2);
  }

  /**
   * The model's own probabilities (views averaged, no temperature), `faces.length x classes`.
   * @param {Uint8Array[]} faces 48x48 grayscale faces
   * @param {{ tta?: "none" | "flip" }} [options]
   * @returns {Promise<Float32Array>}
   */
  async probabilities(faces, options = {}) {
    const output = this.tf.tidy(() => {
      const { x, views } = this.batch(faces, options);
      return this.viewMean(this.model.predict(x), views);
    });
    const raw = await output.data();
    output.dispose();
    return raw;
  }

  /**
   * @param {Uint8Array[]} faces 48x48 grayscale faces
   * @param {{ tta?: "none" | "flip" }} [options] `flip`: average each face with its mirror image,
   *   as the server's `?tta=flip` does
   * @returns {Promise<number[][]>} scores per face, in {@link BrowserClassifier.labels} order
   */
  async classify(faces, options = {}) {
    if (faces.length === 0) return [];
    return calibratedRows(await this.probabilities(faces, options), faces.length, this.temperature);
  }
}
