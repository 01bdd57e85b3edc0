// @ts-check
/**
 * The page's side of `src/classifier/shared_trunk.ts`: members of a model set that start with the
 * same layers (one fine-tuned from another with `--freeze-convs`) run those layers once per batch.
 * {@link shareTrunk} compares the members' leading layers (class, settings, weights within 1e-5 of
 * their magnitude, the server's tolerance) and builds one trunk model and a tail model per member
 * from the loaded layers, so no weight is copied. The server's plan comparison uses this module's
 * {@link chainLayers} and {@link sameWeight} too, so both sides agree on what counts as shared.
 *
 * @example
 * ```js
 * const shared = shareTrunk(tf, [a.model, b.model]); // undefined when nothing is shared
 * const t = shared.trunk.predict(x);
 * const [pa, pb] = shared.tails.map((tail) => tail.predict(t));
 * ```
 *
 * @module
 */

/** Largest difference, relative to the larger magnitude, below which two weights are the same. */
export const SAME_WEIGHT_TOLERANCE = 1e-5;

/**
 * The layers of `model` in order when they form one chain from one input, else `undefined`.
 * @param {any} model a tfjs LayersModel
 * @returns {any[] | undefined}
 */
export function chainLayers(model) {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return undefined;
  const layers = model.layers;
  for (let i = 1; i < layers.length; i++) {
    const nodes = layers[i].inboundNodes;
    if (nodes.length !== 1 || nodes[0].inboundLayers.length !== 1) return undefined;
    if (nodes[0].inboundLayers[0] !== layers[i - 1]) return undefined;
  }
  return layers;
}

/**
 * Whether two layers do the same thing: class, settings and weights.
 * @param {any} a @param {any} b
 */
function sameLayer(a, b) {
  if (a.getClassName() !== b.getClassName()) return false;
  // What the layer computes: its config without its name, trainability and the initializers,
  // regularizers and constraints of training (a fine-tune run records its own seed there).
  const settings = (/** @type {any} */ layer) =>
    JSON.stringify(
      Object.entries(layer.getConfig()).filter(([key]) =>
        key !== "name" && key !== "trainable" && !/(Initializer|Regularizer|Constraint)$/.test(key)
      ),
    );
  if (settings(a) !== settings(b)) return false;
  const wa = a.getWeights();
  const wb = b.getWeights();
  return wa.length === wb.length &&
    wa.every((/** @type {any} */ w, /** @type {number} */ i) => sameWeight(w, wb[i]));
}

/**
 * Whether two weight tensors have one shape and the same values within
 * {@link SAME_WEIGHT_TOLERANCE} of the larger magnitude.
 * @param {any} a @param {any} b tfjs tensors
 * @returns {boolean}
 */
export function sameWeight(a, b) {
  if (a === b) return true;
  if (a.shape.join("x") !== b.shape.join("x")) return false;
  const x = a.dataSync();
  const y = b.dataSync();
  let largest = 0;
  let difference = 0;
  for (let k = 0; k < x.length; k++) {
    largest = Math.max(largest, Math.abs(x[k]), Math.abs(y[k]));
    difference = Math.max(difference, Math.abs(x[k] - y[k]));
  }
  return difference <= SAME_WEIGHT_TOLERANCE * largest;
}

/**
 * The trunk the chain-shaped `models` share and each one's tail, or `undefined` when they share
 * no layer past the input (or are not chains). The last layer is never shared.
 * @param {any} tf the tfjs namespace
 * @param {any[]} models tfjs LayersModels
 * @returns {{ layers: number, trunk: any, tails: any[] } | undefined} `layers`: shared layers
 *   after the input
 */
export function shareTrunk(tf, models) {
  if (models.length < 2) return undefined;
  const chains = models.map(chainLayers);
  if (chains.some((c) => c === undefined)) return undefined;
  const [first, ...others] = /** @type {any[][]} */ (chains);
  const limit = Math.min(...chains.map((c) => /** @type {any[]} */ (c).length)) - 1;
  let end = 0; // index of the last shared layer
  while (end + 1 < limit && others.every((c) => sameLayer(first[end + 1], c[end + 1]))) end++;
  if (end === 0 || first[0].getClassName() !== "InputLayer") return undefined;
  const trunk = tf.model({ inputs: models[0].inputs, outputs: first[end].output });
  const tails = /** @type {any[][]} */ (chains).map((layers) => {
    const input = tf.input({ shape: first[end].outputShape.slice(1) });
    const output = layers.slice(end + 1).reduce((x, layer) => layer.apply(x), input);
    return tf.model({ inputs: input, outputs: output });
  });
  return { layers: end, trunk, tails };
}
