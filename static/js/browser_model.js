// @ts-check
/// <reference lib="dom" />
/**
 * The in-browser mode's model: starts tfjs on its wasm backend (served from this server, nothing
 * from a CDN) and loads the folder served at `/classifier/`, one model or a model set (its
 * `fer-model.json` says `"kind": "set"` and lists member subfolders with weights), as the server
 * loads `MODEL_DIR`. A set classifies like the server's `FerSetClassifier`, and like it runs the
 * layers its members share once (`shared_trunk.js`).
 *
 * @module
 */
import { BrowserClassifier, calibratedRows } from "./classifiers.js";
import { checkLabels, PIXEL_SCALE } from "./face_contract.js";
import { weightedMeanProbabilities } from "./scores.js";
import { shareTrunk } from "./shared_trunk.js";

export { weightedMeanProbabilities };

/** @typedef {BrowserClassifier | BrowserSetClassifier} PageClassifier the in-browser classifier */

/**
 * Loads a classic script once (the tfjs UMD bundles, which define `globalThis.tf`).
 * @param {string} src
 * @returns {Promise<void>}
 */
function loadScript(src) {
  const existing = document.querySelector(`script[src="${src}"]`);
  if (existing) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

/**
 * Downloads tfjs, the wasm backend and the model (or model set) from this server.
 * @param {string} [base] URL prefix of the model folder
 * @returns {Promise<BrowserClassifier | BrowserSetClassifier>}
 */
export async function loadBrowserClassifier(base = "/classifier/") {
  // The ES2017 builds: the ES5 tf.min.js falls back to `Function(...)` for its regenerator
  // runtime, which the page's Content Security Policy (no 'unsafe-eval') refuses.
  await loadScript("/vendor/tfjs/tf.es2017.min.js");
  await loadScript("/vendor/tfjs-backend-wasm/tf-backend-wasm.es2017.min.js");
  const tf = /** @type {any} */ (globalThis).tf;
  tf.wasm.setWasmPaths("/vendor/tfjs-backend-wasm/");
  if (!(await tf.setBackend("wasm"))) throw new Error("the tfjs wasm backend failed to start");
  await tf.ready();
  return await loadClassifierFolder(tf, base);
}

/**
 * A model set in this browser, as the server's `FerSetClassifier`: each member scores the faces
 * with its own views, scaling and mirror tie; the weighted mean is rescaled by the set's
 * temperature (the members' own temperatures are not used). Members that start with the same
 * layers and pack their input alike run those layers once per batch.
 */
export class BrowserSetClassifier {
  /**
   * @param {{ path: string, weight: number, classifier: BrowserClassifier }[]} members
   * @param {number} [temperature] the set's fer-model.json temperature (1 = none)
   */
  constructor(members, temperature = 1) {
    if (members.length === 0) throw new RangeError("a model set needs members");
    if (!(Number.isFinite(temperature) && temperature > 0)) {
      throw new RangeError(`set temperature must be a finite number > 0, got ${temperature}`);
    }
    const labels = members[0].classifier.labels;
    for (const m of members) {
      if (m.classifier.labels.join("\n") !== labels.join("\n")) {
        throw new RangeError(
          `model set member "${m.path}" has labels (${m.classifier.labels.join(", ")}), ` +
            `member "${members[0].path}" (${labels.join(", ")})`,
        );
      }
    }
    /** Class names in output order (every member's). */
    this.labels = labels;
    this.members = members;
    this.temperature = temperature;
    const packing = (/** @type {BrowserClassifier} */ c) =>
      JSON.stringify([c.input.scale, c.input.offset, c.mirrorSymmetric]);
    const classifiers = members.map((m) => m.classifier);
    /** The trunk the members share and their tails (`shared_trunk.js`), if any. */
    this.shared = classifiers.every((c) => packing(c) === packing(classifiers[0]))
      ? shareTrunk(classifiers[0].tf, classifiers.map((c) => c.model))
      : undefined;
    /** Leading layers (after the input) run once per batch for every member; 0 when none. */
    this.sharedLayers = this.shared?.layers ?? 0;
  }

  /**
   * @param {Uint8Array[]} faces 48x48 grayscale faces
   * @param {{ tta?: "none" | "flip" }} [options]
   * @returns {Promise<number[][]>} scores per face, in {@link BrowserSetClassifier.labels} order
   */
  async classify(faces, options = {}) {
    if (faces.length === 0) return [];
    const parts = [];
    const shared = this.shared;
    if (shared) {
      const classifiers = this.members.map((m) => m.classifier);
      const outputs = classifiers[0].tf.tidy(() => {
        // Every member packs the same batch (the constructor checked), so the first's serves.
        const { x, views } = classifiers[0].batch(faces, options);
        const trunk = shared.trunk.predict(x);
        return shared.tails.map((tail, i) => classifiers[i].viewMean(tail.predict(trunk), views));
      });
      for (const output of outputs) {
        parts.push(await output.data());
        output.dispose();
      }
    } else {
      for (const m of this.members) parts.push(await m.classifier.probabilities(faces, options));
    }
    const mean = weightedMeanProbabilities(parts, this.members.map((m) => m.weight));
    return calibratedRows(mean, faces.length, this.temperature);
  }
}

/**
 * Loads the model or model set whose folder is served at `base` (its `fer-model.json` says which;
 * a set's members are subfolders of it), on the already started tfjs `tf`.
 * @param {any} tf the tfjs namespace
 * @param {string} base URL prefix of the folder, ending in `/`
 * @param {(url: string, init?: RequestInit) => Promise<Response>} [fetchFn] (tests pass the app's)
 * @returns {Promise<BrowserClassifier | BrowserSetClassifier>}
 */
export async function loadClassifierFolder(tf, base, fetchFn = (url, init) => fetch(url, init)) {
  /** @param {string} prefix */
  const metadataAt = async (prefix) => {
    const response = await fetchFn(`${prefix}fer-model.json`);
    if (!response.ok) throw new Error(`model metadata missing at ${prefix} (${response.status})`);
    return await response.json();
  };
  /**
   * The classifier of the model at `prefix`, with its own labels (8 for a FER+ model), checked
   * against its outputs.
   * @param {string} prefix @param {any} meta @param {number} temperature
   */
  const classifierAt = async (prefix, meta, temperature) => {
    if (meta.features?.length) {
      throw new Error(`model "${meta.name}" needs extra feature inputs; use server mode`);
    }
    // Before the weights download: a folder without usable labels cannot be shown.
    const labels = checkLabels(meta.labels, `${prefix}fer-model.json`);
    const model = await tf.loadLayersModel(`${prefix}model.json`, {
      fetchFunc: (/** @type {string} */ url, /** @type {RequestInit} */ init) => fetchFn(url, init),
    });
    const input = meta.input ?? { scale: PIXEL_SCALE, offset: 0 };
    try {
      const tied = meta.mirrorSymmetric === true;
      return new BrowserClassifier(tf, model, input, tied, temperature, labels);
    } catch (error) {
      model.dispose();
      throw error;
    }
  };
  const meta = await metadataAt(base);
  if (meta.kind !== "set") return await classifierAt(base, meta, meta.temperature ?? 1);
  const listed = Array.isArray(meta.members) ? meta.members : [];
  if (listed.length === 0) throw new Error(`model set "${meta.name}" lists no members`);
  const setLabels = checkLabels(meta.labels, `${base}fer-model.json`);
  /** @type {{ path: string, weight: number, classifier: BrowserClassifier }[]} */
  const members = [];
  try {
    for (const { path, weight } of listed) {
      if (
        typeof path !== "string" || !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(path) || path === ".."
      ) {
        throw new Error(`model set member path ${JSON.stringify(path)} is not a subfolder name`);
      }
      if (!(typeof weight === "number" && Number.isFinite(weight) && weight > 0)) {
        throw new Error(`model set member "${path}": weight must be a number > 0, got ${weight}`);
      }
      const memberMeta = await metadataAt(`${base}${path}/`);
      if (JSON.stringify(memberMeta.labels) !== JSON.stringify(setLabels)) {
        const theirs = Array.isArray(memberMeta.labels) ? memberMeta.labels : [];
        throw new Error(
          `model set member "${path}" has other labels than the set: ${theirs.length} ` +
            `(${theirs.join(", ")}) against ${setLabels.length} (${setLabels.join(", ")})`,
        );
      }
      // The member's own temperature stays unused: the set's applies to the mean.
      members.push({
        path,
        weight,
        classifier: await classifierAt(`${base}${path}/`, memberMeta, 1),
      });
    }
    return new BrowserSetClassifier(members, meta.temperature ?? 1);
  } catch (error) {
    for (const m of members) m.classifier.model.dispose();
    throw error;
  }
}
