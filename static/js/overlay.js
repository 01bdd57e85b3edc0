// @ts-check
/// <reference lib="dom" />
/**
 * Drawing: face boxes with their label on a canvas, and the score bars of one face as HTML (so screen
 * readers get the numbers too).
 *
 * @module
 */
import { displayName, EMOTION_COLORS, EMOTIONS } from "./labels.js";
import { argmax } from "./smoothing.js";

/**
 * @typedef {object} LabelledFace
 * @property {import("./face_crop.js").Box} box in canvas pixels
 * @property {number[]} [scores] class scores in EMOTIONS order; no label while missing
 */

/**
 * The label text and colour of a face, e.g. `"Happy 87%"`.
 * @param {number[] | undefined} scores
 */
export function faceLabel(scores) {
  if (!scores) return { text: "…", color: "#ffffff", emotion: undefined };
  const { index, value } = argmax(scores);
  const emotion = EMOTIONS[index];
  return {
    text: `${displayName(emotion)} ${Math.round(value * 100)}%`,
    color: EMOTION_COLORS[/** @type {keyof typeof EMOTION_COLORS} */ (emotion)],
    emotion,
  };
}

/**
 * Draws a box and a label per face. Line widths and fonts scale with the canvas so they read the
 * same on a 640-px frame and a 4000-px photo.
 * @param {CanvasRenderingContext2D} ctx
 * @param {LabelledFace[]} faces
 */
export function drawFaces(ctx, faces) {
  const unit = Math.max(1, Math.max(ctx.canvas.width, ctx.canvas.height) / 640);
  ctx.save();
  ctx.lineWidth = 3 * unit;
  ctx.font = `600 ${Math.round(16 * unit)}px system-ui, sans-serif`;
  ctx.textBaseline = "bottom";
  for (const face of faces) {
    const { text, color } = faceLabel(face.scores);
    const { x, y, width, height } = face.box;
    ctx.strokeStyle = color;
    ctx.strokeRect(x, y, width, height);
    const pad = 4 * unit;
    const textWidth = ctx.measureText(text).width + 2 * pad;
    const textHeight = 22 * unit;
    const top = y - textHeight >= 0 ? y - textHeight : y + height;
    ctx.fillStyle = color;
    ctx.fillRect(x - ctx.lineWidth / 2, top, textWidth, textHeight);
    ctx.fillStyle = "#111111";
    ctx.fillText(text, x + pad - ctx.lineWidth / 2, top + textHeight - pad);
  }
  ctx.restore();
}

/**
 * Renders the seven score bars of one face into `list` (a `<ul>`), or clears it.
 * @param {HTMLElement} list
 * @param {number[] | undefined} scores
 */
export function renderScoreBars(list, scores) {
  if (!scores) {
    list.replaceChildren();
    return;
  }
  if (list.children.length !== EMOTIONS.length) {
    list.replaceChildren(...EMOTIONS.map((emotion) => {
      const item = document.createElement("li");
      item.dataset.emotion = emotion;
      item.innerHTML =
        `<span class="name"></span><span class="bar"><span class="fill"></span></span>` +
        `<span class="value"></span>`;
      /** @type {HTMLElement} */ (item.querySelector(".name")).textContent = displayName(emotion);
      /** @type {HTMLElement} */ (item.querySelector(".fill")).style.background =
        EMOTION_COLORS[/** @type {keyof typeof EMOTION_COLORS} */ (emotion)];
      return item;
    }));
  }
  const top = argmax(scores).index;
  EMOTIONS.forEach((_, i) => {
    const item = /** @type {HTMLElement} */ (list.children[i]);
    const percent = Math.round(Math.max(0, Math.min(1, scores[i])) * 100);
    /** @type {HTMLElement} */ (item.querySelector(".fill")).style.width = `${percent}%`;
    /** @type {HTMLElement} */ (item.querySelector(".value")).textContent = `${percent}%`;
    item.classList.toggle("top", i === top);
  });
}
