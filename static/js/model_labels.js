// @ts-check
/// <reference lib="dom" />
/**
 * The served model's labels as the page keeps them in server mode: asked of `GET /api/model` once
 * (7 for `models/default`, 8 with contempt for a FER+ model), forgotten when the ask fails or an
 * answer does not fit them (the server may have been restarted with another model), and named
 * under the page.
 *
 * @module
 */
import { fetchServerLabels } from "./classifiers.js";
import { displayName } from "./labels.js";

/** The server's labels, fetched on first use and again after {@link ServerLabels.forget}. */
export class ServerLabels {
  /**
   * @param {(labels: readonly string[]) => void} [onLabels] called with each fetched list
   * @param {() => Promise<string[]>} [fetchLabels] (tests pass their own)
   */
  constructor(onLabels = () => {}, fetchLabels = () => fetchServerLabels()) {
    this.onLabels = onLabels;
    this.fetchLabels = fetchLabels;
    /** @type {Promise<string[]> | undefined} */
    this.pending = undefined;
  }

  /** The labels; a failed fetch is forgotten, so the next call asks again. */
  get() {
    this.pending ??= this.fetchLabels().then((labels) => {
      this.onLabels(labels);
      return labels;
    }, (error) => {
      this.pending = undefined;
      throw error;
    });
    return this.pending;
  }

  /** Asks the server again next time. */
  forget() {
    this.pending = undefined;
  }
}

/**
 * Names `labels` in `el` (display names, comma-separated; `data-count`: how many).
 * @param {HTMLElement} el
 * @param {readonly string[]} labels
 */
export function showLabels(el, labels) {
  el.dataset.count = String(labels.length);
  el.textContent = labels.map(displayName).join(", ");
}
