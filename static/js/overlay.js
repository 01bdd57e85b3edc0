// @ts-check
/// <reference lib="dom" />
/**
 * Drawing: face boxes with their label on a canvas, and the score bars of one face as HTML (so screen
 * readers get the numbers too). Every function takes the served model's labels (7 for
 * `models/default`, 8 with contempt for a FER+ model): the scores are in their order.
 *
 * @module
 */
import { displayName, labelColor } from "./labels.js";
import { argmax } from "./smoothing.js";

/**
 * @typedef {object} LabelledFace
 * @property {import("./face_crop.js").Box} box in canvas pixels
 * @property {number[]} [scores] class scores in the labels' order; no label while missing
 */

/**
 * Checks that `scores` has one value per label, so no class is left out or misnamed.
 * @param {ArrayLike<number>} scores
 * @param {readonly string[]} labels
 */
function checkRow(scores, labels) {
  if (scores.length !== labels.length) {
    throw new RangeError(`${scores.length} scores for ${labels.length} labels`);
  }
}

/**
 * The label text and colour of a face, e.g. `"Happy 87%"`.
 * @param {number[] | undefined} scores
 * @param {readonly string[]} labels the served model's labels, in score order
 */
export function faceLabel(scores, labels) {
  if (!scores) return { text: "…", color: "#ffffff", emotion: undefined };
  checkRow(scores, labels);
  const { index, value } = argmax(scores);
  const emotion = labels[index];
  return {
    text: `${displayName(emotion)} ${Math.round(value * 100)}%`,
    color: labelColor(emotion),
    emotion,
  };
}

/**
 * Draws a box and a label per face. Line widths and fonts scale with the canvas so they read the
 * same on a 640-px frame and a 4000-px photo.
 * @param {CanvasRenderingContext2D} ctx
 * @param {LabelledFace[]} faces
 * @param {readonly string[]} labels the served model's labels, in score order
 */
export function drawFaces(ctx, faces, labels) {
  const unit = Math.max(1, Math.max(ctx.canvas.width, ctx.canvas.height) / 640);
  ctx.save();
  ctx.lineWidth = 3 * unit;
  ctx.font = `600 ${Math.round(16 * unit)}px system-ui, sans-serif`;
  ctx.textBaseline = "bottom";
  for (const face of faces) {
    const { text, color } = faceLabel(face.scores, labels);
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
 * Renders one score bar per label of one face into `list` (a `<ul>`), or clears it: seven for
 * `models/default`, eight (contempt too) for a FER+ model. Each item's `data-emotion` is its label.
 * @param {HTMLElement} list
 * @param {number[] | undefined} scores
 * @param {readonly string[]} labels the served model's labels, in score order
 */
export function renderScoreBars(list, scores, labels) {
  if (!scores) {
    list.replaceChildren();
    delete list.dataset.labels;
    return;
  }
  checkRow(scores, labels);
  const key = labels.join(",");
  if (list.dataset.labels !== key || list.children.length !== labels.length) {
    list.dataset.labels = key;
    list.replaceChildren(...labels.map((emotion) => {
      const item = document.createElement("li");
      item.dataset.emotion = emotion;
      item.innerHTML =
        `<span class="name"></span><span class="bar"><span class="fill"></span></span>` +
        `<span class="value"></span>`;
      /** @type {HTMLElement} */ (item.querySelector(".name")).textContent = displayName(emotion);
      /** @type {HTMLElement} */ (item.querySelector(".fill")).style.background = labelColor(
        emotion,
      );
      return item;
    }));
  }
  const top = argmax(scores).index;
  labels.forEach((_, i) => {
    const item = /** @type {HTMLElement} */ (list.children[i]);
    const percent = Math.round(Math.max(0, Math.min(1, scores[i])) * 100);
    /** @type {HTMLElement} */ (item.querySelector(".fill")).style.width = `${percent}%`;
    /** @type {HTMLElement} */ (item.querySelector(".value")).textContent = `${percent}%`;
    item.classList.toggle("top", i === top);
  });
}
