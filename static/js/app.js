// @ts-check
/// <reference lib="dom" />
/**
 * The camera page: finds faces in the live video with tasks-vision, crops each to 48x48 grayscale,
 * classifies them in one batch (server or in-browser, one request in flight, a steady rate), smooths
 * the scores and draws the overlay; plus photo mode. Entry point of `index.html`.
 *
 * @module
 */
import { startCamera, stopCamera } from "./camera.js";
import { ClassifyError, classifyOnServer, withTta } from "./classifiers.js";
import { loadBrowserClassifier } from "./browser_model.js";
import { createFaceDetector, toDetections } from "./detector.js";
import { cropAlignedFacesFromContext } from "./face_align.js";
import { cropFacesFromContext } from "./face_crop.js";
import { EMOTIONS } from "./labels.js";
import { ServerLabels, showLabels } from "./model_labels.js";
import { drawFaces, faceLabel, renderScoreBars } from "./overlay.js";
import {
  drawPhoto,
  drawPhotoFaces,
  listPhotoFaces,
  predictInBrowser,
  predictOnServer,
} from "./photo.js";
import { ScoreSmoother } from "./smoothing.js";

/** Minimum time between two classification requests (about 7 a second). */
const CLASSIFY_INTERVAL_MS = 150;
/** Pause after a failed request before the next try. */
const RETRY_AFTER_MS = 2000;
/** Most faces sent in one batch. */
const MAX_FACES = 32;
/** How long no face must be seen before the page says so. */
const NO_FACE_AFTER_MS = 800;

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const video = /** @type {HTMLVideoElement} */ ($("video"));
const overlay = /** @type {HTMLCanvasElement} */ ($("overlay"));
const stage = $("camera-stage");
const cameraButton = /** @type {HTMLButtonElement} */ ($("camera-toggle"));
const cameraStatus = $("camera-status");
const hud = $("hud");
const scoreBars = $("score-bars");
const facesSummary = $("faces-summary");
const modeBadge = $("mode-badge");
const mirrorToggle = /** @type {HTMLInputElement} */ ($("mirror-views"));
const modelLabels = $("model-labels");
const frameCanvas = document.createElement("canvas");
const frameCtx = /** @type {CanvasRenderingContext2D} */ (
  frameCanvas.getContext("2d", { willReadFrequently: true })
);

const state = {
  /** @type {"server" | "browser"} */ mode: "server",
  /** Also score each face's mirror image and average (`?tta=flip`): more accurate, 2x the work. */
  /** @type {"none" | "flip"} */ tta: "none",
  /** Level the eyes in each crop, as the server does (`?align=off` crops upright, to compare). */
  align: new URLSearchParams(location.search).get("align") !== "off",
  /** @type {import("./browser_model.js").PageClassifier | undefined} */ browserClassifier:
    undefined,
  /** @type {any} */ detector: undefined,
  /** @type {any} */ photoDetector: undefined,
  /** @type {MediaStream | undefined} */ stream: undefined,
  smoother: new ScoreSmoother(),
  /**
   * The labels of the smoothed scores: the served model's (7, or 8 for a FER+ model), from the
   * classifier that produced them.
   * @type {readonly string[]}
   */
  labels: EMOTIONS,
  /** The server's labels (`GET /api/model`), fetched once; forgotten when an answer fails. */
  serverLabels: new ServerLabels((labels) => showLabels(modelLabels, labels)),
  inFlight: false,
  lastSentAt: 0,
  retryAt: 0,
  lastFaceAt: 0,
  lastVideoTime: -1,
  fps: 0,
  lastFrameAt: 0,
  rttMs: 0,
  /** @type {string | undefined} */ classifyError: undefined,
  running: false,
};

/**
 * Shows a status line; `kind` styles it and tells tests which state the page is in.
 * @param {HTMLElement} el
 * @param {string} kind
 * @param {string} text
 */
function setStatus(el, kind, text) {
  el.dataset.kind = kind;
  el.textContent = text;
}

/**
 * Classifies faces with the active mode: score rows and the labels they are in.
 * @param {Uint8Array[]} faces
 * @returns {Promise<{ labels: readonly string[], rows: number[][] }>}
 */
async function classify(faces) {
  const local = state.mode === "browser" && state.browserClassifier;
  if (local) return { labels: local.labels, rows: await local.classify(faces, { tta: state.tta }) };
  const labels = await state.serverLabels.get();
  return { labels, rows: await classifyOnServer(faces, labels, { tta: state.tta }) };
}

/**
 * Crops the given faces from the current video frame.
 * @param {import("./detector.js").Detection[]} faces
 */
function cropFromVideo(faces) {
  const { videoWidth: w, videoHeight: h } = video;
  if (frameCanvas.width !== w || frameCanvas.height !== h) {
    [frameCanvas.width, frameCanvas.height] = [w, h];
  }
  frameCtx.drawImage(video, 0, 0, w, h);
  return state.align
    ? cropAlignedFacesFromContext(frameCtx, faces, w, h)
    : cropFacesFromContext(frameCtx, faces.map((f) => f.box), w, h);
}

/**
 * Sends the faces of this frame when no request is in flight and the interval has passed.
 * @param {import("./detector.js").Detection[]} detections
 * @param {number} now
 */
function maybeClassify(detections, now) {
  if (state.inFlight || detections.length === 0) return;
  if (now - state.lastSentAt < CLASSIFY_INTERVAL_MS || now < state.retryAt) return;
  const sent = detections.slice(0, MAX_FACES);
  const boxes = sent.map((d) => d.box);
  const faces = cropFromVideo(sent);
  state.inFlight = true;
  state.lastSentAt = now;
  const sentMode = state.mode;
  classify(faces).then(({ labels, rows }) => {
    const done = performance.now();
    state.rttMs = state.rttMs ? 0.8 * state.rttMs + 0.2 * (done - now) : done - now;
    if (sentMode === state.mode) {
      // Other labels (another model now served): the old tracks' rows no longer line up.
      if (labels.join(",") !== state.labels.join(",")) state.smoother = new ScoreSmoother();
      state.labels = labels;
      state.smoother.update(boxes, rows, done);
    }
    if (state.classifyError) {
      state.classifyError = undefined;
      setStatus(cameraStatus, "ok", "Camera running.");
    }
  }).catch((error) => {
    state.retryAt = performance.now() + RETRY_AFTER_MS;
    const unreachable = error instanceof ClassifyError && error.status === 0;
    // The server may now serve another model: ask for its labels again.
    if (!unreachable) state.serverLabels.forget();
    state.classifyError = unreachable ? "unreachable" : "error";
    setStatus(
      cameraStatus,
      unreachable ? "unreachable" : "error",
      unreachable
        ? "Server unreachable: faces are still found, labels resume when it answers (or switch to in-browser mode)."
        : `Classification failed: ${error.message}`,
    );
  }).finally(() => {
    state.inFlight = false;
  });
}

/** Draws boxes, labels, bars and the HUD for this frame's detections. */
function render(
  /** @type {import("./detector.js").Detection[]} */ detections,
  /** @type {number} */ now,
) {
  const ctx = /** @type {CanvasRenderingContext2D} */ (overlay.getContext("2d"));
  ctx.clearRect(0, 0, overlay.width, overlay.height);
  const labelled = detections.map((d) => ({
    box: d.box,
    scores: state.smoother.lookup(d.box, now)?.scores,
  }));
  drawFaces(ctx, labelled, state.labels);
  renderScoreBars(scoreBars, labelled[0]?.scores, state.labels);
  stage.dataset.faces = String(detections.length);
  const lines = labelled.map((f, i) => {
    const { text } = faceLabel(f.scores, state.labels);
    const b = f.box;
    return `Face ${i + 1}: ${f.scores ? text : "classifying"} at ${Math.round(b.x)},${
      Math.round(b.y)
    } ` +
      `${Math.round(b.width)}x${Math.round(b.height)}`;
  });
  if (facesSummary.textContent !== lines.join("\n")) {
    facesSummary.replaceChildren(
      ...lines.map((line) => Object.assign(document.createElement("li"), { textContent: line })),
    );
  }
  const what = state.mode === "browser" ? "in-browser" : "RTT";
  const rtt = state.rttMs ? ` · ${what} ${Math.round(state.rttMs)} ms` : "";
  hud.textContent = `${state.fps.toFixed(0)} FPS${rtt}`;
}

/** One animation frame: detect on a new video frame, maybe classify, draw. */
function tick() {
  if (!state.running) return;
  const now = performance.now();
  if (video.readyState >= 2 && video.currentTime !== state.lastVideoTime) {
    state.lastVideoTime = video.currentTime;
    if (state.lastFrameAt) {
      const fps = 1000 / Math.max(1, now - state.lastFrameAt);
      state.fps = state.fps ? 0.9 * state.fps + 0.1 * fps : fps;
    }
    state.lastFrameAt = now;
    if (overlay.width !== video.videoWidth || overlay.height !== video.videoHeight) {
      [overlay.width, overlay.height] = [video.videoWidth, video.videoHeight];
      stage.style.aspectRatio = `${video.videoWidth} / ${video.videoHeight}`;
    }
    const detections = toDetections(
      state.detector.detectForVideo(video, now),
      video.videoWidth,
      video.videoHeight,
    );
    if (detections.length) {
      state.lastFaceAt = now;
      if (cameraStatus.dataset.kind === "noface") setStatus(cameraStatus, "ok", "Camera running.");
    } else if (now - state.lastFaceAt > NO_FACE_AFTER_MS && !state.classifyError) {
      setStatus(cameraStatus, "noface", "No face found: face the camera with good light.");
    }
    maybeClassify(detections, now);
    render(detections, now);
  }
  requestAnimationFrame(tick);
}

async function startLive() {
  cameraButton.disabled = true;
  try {
    // Camera first: a denied permission or a missing camera is reported without waiting for the
    // detector's wasm to download.
    setStatus(cameraStatus, "loading", "Waiting for the camera…");
    state.stream = await startCamera(video);
    setStatus(cameraStatus, "loading", "Loading the face detector…");
    state.detector ??= await createFaceDetector("VIDEO");
    state.running = true;
    state.lastFaceAt = performance.now();
    cameraButton.textContent = "Stop camera";
    setStatus(cameraStatus, "ok", "Camera running.");
    requestAnimationFrame(tick);
  } catch (error) {
    stopCamera(state.stream);
    state.stream = undefined;
    const kind = /** @type {any} */ (error).kind ?? "error";
    setStatus(cameraStatus, kind, /** @type {Error} */ (error).message);
  } finally {
    cameraButton.disabled = false;
  }
}

function stopLive() {
  state.running = false;
  stopCamera(state.stream);
  state.stream = undefined;
  video.srcObject = null;
  cameraButton.textContent = "Start camera";
  setStatus(cameraStatus, "idle", "Camera stopped.");
}

/** Switches the classifier; falls back to server mode when the in-browser model cannot load. */
async function setMode(/** @type {"server" | "browser"} */ mode) {
  const radios =
    /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll("input[name=mode]"));
  if (mode === "browser" && !state.browserClassifier) {
    modeBadge.textContent = "Loading the in-browser model…";
    try {
      state.browserClassifier = await loadBrowserClassifier();
      showLabels(modelLabels, state.browserClassifier.labels);
    } catch (error) {
      modeBadge.textContent = `In-browser mode unavailable: ${
        /** @type {Error} */ (error).message
      }`;
      modeBadge.dataset.mode = "server";
      state.mode = "server";
      for (const r of radios) r.checked = r.value === "server";
      return;
    }
  }
  state.mode = mode;
  state.smoother = new ScoreSmoother();
  state.retryAt = 0;
  state.rttMs = 0;
  localStorage.setItem("fer-edge-mode", mode);
  for (const r of radios) r.checked = r.value === mode;
  modeBadge.dataset.mode = mode;
  modeBadge.textContent = mode === "browser"
    ? "Classifier: in this browser (tfjs, wasm)"
    : "Classifier: server (POST /api/classify)";
}

/** Turns the mirror views on or off and remembers the choice. */
function setTta(/** @type {"none" | "flip"} */ tta) {
  state.tta = tta;
  state.smoother = new ScoreSmoother();
  localStorage.setItem("fer-edge-tta", tta);
  mirrorToggle.checked = tta === "flip";
  modeBadge.dataset.tta = tta;
}

const photoStatus = $("photo-status");
const photoCanvas = /** @type {HTMLCanvasElement} */ ($("photo-canvas"));
const photoFaces = $("photo-faces");

/** Photo mode: draw the photo, ask the server, draw its faces. */
async function analysePhoto(/** @type {File} */ file) {
  photoFaces.replaceChildren();
  setStatus(photoStatus, "loading", `Analysing ${file.name}…`);
  /** @type {ImageBitmap | undefined} */
  let bitmap;
  try {
    const drawn = await drawPhoto(file, photoCanvas);
    bitmap = drawn.bitmap;
    const scale = drawn.scale;
    photoCanvas.hidden = false;
    const t0 = performance.now();
    const local = state.mode === "browser" && state.browserClassifier;
    if (local) state.photoDetector ??= await createFaceDetector("IMAGE");
    const labels = local ? local.labels : await state.serverLabels.get();
    const faces = local
      ? await predictInBrowser(
        bitmap,
        state.photoDetector,
        (crops) => local.classify(crops, { tta: state.tta }),
        labels,
        { align: state.align },
      )
      : await predictOnServer(file, labels, withTta("/api/predict", state.tta)).catch((error) => {
        if (!(error instanceof ClassifyError && error.status === 0)) state.serverLabels.forget();
        throw error;
      });
    const ms = Math.round(performance.now() - t0);
    drawPhotoFaces(photoCanvas, faces, scale, labels);
    listPhotoFaces(photoFaces, faces, labels);
    photoCanvas.dataset.faces = String(faces.length);
    setStatus(
      photoStatus,
      faces.length ? "ok" : "noface",
      faces.length
        ? `${faces.length} face${faces.length > 1 ? "s" : ""} found in ${ms} ms ` +
          `(${local ? "in this browser" : "server"}).`
        : "No face found in this photo.",
    );
  } catch (error) {
    const unreachable = error instanceof ClassifyError && error.status === 0;
    setStatus(
      photoStatus,
      unreachable ? "unreachable" : "error",
      unreachable
        ? "Server unreachable: switch to in-browser mode to analyse photos without it."
        : /** @type {Error} */ (error).message,
    );
  } finally {
    bitmap?.close();
  }
}

function wirePhoto() {
  const input = /** @type {HTMLInputElement} */ ($("photo-input"));
  const zone = $("drop-zone");
  input.addEventListener("change", () => {
    if (input.files?.[0]) analysePhoto(input.files[0]);
    input.value = "";
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    const file = event.dataTransfer?.files[0];
    if (file) analysePhoto(file);
    else setStatus(photoStatus, "error", "Drop an image file (JPEG, PNG or WebP).");
  });
}

cameraButton.addEventListener("click", () => (state.running ? stopLive() : startLive()));
for (const radio of document.querySelectorAll("input[name=mode]")) {
  radio.addEventListener("change", (event) => {
    setMode(/** @type {any} */ (event.target).value);
  });
}
mirrorToggle.addEventListener("change", () => setTta(mirrorToggle.checked ? "flip" : "none"));
wirePhoto();
const params = new URLSearchParams(location.search);
setTta((params.get("tta") ?? localStorage.getItem("fer-edge-tta")) === "flip" ? "flip" : "none");
const initialMode = params.get("mode") ?? localStorage.getItem("fer-edge-mode");
setMode(initialMode === "browser" ? "browser" : "server");
// The footer names the served model's labels; an unreachable server is reported when it is used.
state.serverLabels.get().catch(() => {});
if (params.has("autostart")) startLive();
