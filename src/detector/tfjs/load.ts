/**
 * Loading for BlazeFace on tfjs: read the packaged `.tflite` from `static/models/` (never from the
 * network), parse it and upload its weights to the active tfjs backend.
 *
 * @module
 */
import type { BlazeFaceConfig } from "../blazeface/config.ts";
import { parseTflite } from "../tflite/model.ts";
import { TfjsGraph } from "./graph.ts";

/** Directory of the packaged detector models. */
export const MODELS_DIR = new URL("../../../static/models/", import.meta.url);

/** Reads and parses the model for `config` (from `modelUrl`, default `static/models/<file>`). */
export async function loadBlazeFaceGraph(
  config: BlazeFaceConfig,
  modelUrl: URL = new URL(config.file, MODELS_DIR),
): Promise<TfjsGraph> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(modelUrl);
  } catch (error) {
    throw new Error(
      `cannot read the face detector model ${modelUrl.pathname} (run \`deno task build:detector\`)`,
      { cause: error },
    );
  }
  const graph = new TfjsGraph(parseTflite(bytes));
  const [, h, w, c] = graph.inputShape;
  if (h !== config.inputSize || w !== config.inputSize || c !== 3) {
    graph.dispose();
    throw new Error(
      `${config.file}: expected a ${config.inputSize}² RGB input, found ${graph.inputShape}`,
    );
  }
  return graph;
}
