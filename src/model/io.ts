/**
 * Saving and loading exported fer-edge models: a TensorFlow.js LayersModel folder (`model.json` + one
 * weight shard, optionally quantized) plus `fer-model.json`. Reads with `Deno.readFile`, so it works
 * locally and on Deno Deploy; the same folder loads in the browser with `tf.loadLayersModel(url)`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { encodeWeight } from "./quantize.ts";
import { FER_MODEL_METADATA_FILE, type FerModelMetadata, type Quantization } from "./metadata.ts";
import {
  type FerSetMetadata,
  isSetMetadata,
  parseSetMetadata,
  readSetMembers,
  type SetMemberFolder,
} from "./set.ts";

/** File name of the single weight shard written by {@link saveModelDir}. */
export const WEIGHTS_FILE = "weights.bin";

/** A loaded model with its metadata. */
export interface LoadedModel {
  /** The Keras-style model. */
  model: tf.LayersModel;
  /** Its `fer-model.json`. */
  metadata: FerModelMetadata;
}

function joinPath(dir: string | URL, name: string): string | URL {
  if (dir instanceof URL) return new URL(name, dir.href.endsWith("/") ? dir : `${dir.href}/`);
  return dir.endsWith("/") ? `${dir}${name}` : `${dir}/${name}`;
}

/**
 * Writes `model` to `dir` as `model.json` + `weights.bin`, quantizing kernels as asked, and writes
 * `metadata` (with `quantization` and `sizeBytes` filled in) as `fer-model.json`. Returns the total
 * size in bytes of `model.json` and the shard.
 */
export async function saveModelDir(
  model: tf.LayersModel,
  dir: string,
  quantization: Quantization,
  metadata?: Omit<FerModelMetadata, "quantization" | "sizeBytes">,
): Promise<number> {
  await Deno.mkdir(dir, { recursive: true });
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler((a) => {
    artifacts = a;
    return Promise.resolve({
      modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" },
    });
  }));
  if (!artifacts?.weightSpecs || !artifacts.weightData) {
    throw new Error("model produced no weights");
  }
  const buffer = Array.isArray(artifacts.weightData)
    ? tf.io.concatenateArrayBuffers(artifacts.weightData)
    : artifacts.weightData;
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const spec of artifacts.weightSpecs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.dtype !== "float32") throw new Error(`unsupported weight dtype ${spec.dtype}`);
    const values = new Float32Array(buffer.slice(offset, offset + size * 4));
    offset += size * 4;
    // Only kernels (rank >= 2) are quantized: biases and batch-norm statistics are a few KB in all,
    // and per-tensor uint8 on a moving variance costs accuracy out of proportion to the bytes saved.
    const encoded = encodeWeight(
      spec.name,
      spec.shape,
      values,
      spec.shape.length >= 2 ? quantization : "none",
    );
    specs.push(encoded.spec);
    chunks.push(encoded.bytes);
  }
  const shard = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    shard.set(chunk, at);
    at += chunk.length;
  }
  const modelJson = JSON.stringify({
    format: "layers-model",
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: "fer-edge",
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }],
  });
  const modelJsonBytes = new TextEncoder().encode(modelJson);
  await Deno.writeFile(joinPath(dir, "model.json"), modelJsonBytes);
  await Deno.writeFile(joinPath(dir, WEIGHTS_FILE), shard);
  const sizeBytes = modelJsonBytes.length + shard.length;
  if (metadata) {
    const full: FerModelMetadata = { ...metadata, quantization, sizeBytes };
    await Deno.writeTextFile(
      joinPath(dir, FER_MODEL_METADATA_FILE),
      JSON.stringify(full, null, 2) + "\n",
    );
  }
  return sizeBytes;
}

/**
 * Reads one file of a model folder; a missing file is a `Deno.errors.NotFound` that says which
 * folder lacks which file (rather than Deno's "No such file or directory (os error 2)").
 */
async function readModelFile(
  dir: string | URL,
  name: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const path = joinPath(dir, name);
  try {
    return await Deno.readFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    const folder = dir instanceof URL ? dir.pathname : dir;
    throw new Deno.errors.NotFound(
      `${folder} is not an exported model folder: it has no ${name}`,
      { cause: error },
    );
  }
}

/** Loads the LayersModel stored in `dir` (path or file URL), dequantizing its weights. */
export async function loadLayersModelDir(dir: string | URL): Promise<tf.LayersModel> {
  const modelJson = JSON.parse(
    new TextDecoder().decode(await readModelFile(dir, "model.json")),
  ) as tf.io.ModelJSON;
  const specs: tf.io.WeightsManifestEntry[] = [];
  const shards: ArrayBuffer[] = [];
  for (const group of modelJson.weightsManifest) {
    specs.push(...group.weights);
    for (const path of group.paths) {
      const bytes = await readModelFile(dir, path);
      shards.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    }
  }
  const weightData = tf.io.concatenateArrayBuffers(shards);
  return await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: specs, weightData }),
  );
}

async function readMetadataJson(dir: string | URL): Promise<unknown> {
  const bytes = await readModelFile(dir, FER_MODEL_METADATA_FILE);
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** What a model folder holds: one exported model, or a set of them in its subfolders. */
export type ModelFolder =
  | { kind: "model"; metadata: FerModelMetadata }
  | { kind: "set"; metadata: FerSetMetadata; members: SetMemberFolder[] };

/**
 * Reads `fer-model.json` from `dir`, and for a set (`"kind": "set"`, see `set.ts`) its members'
 * too, checked: same labels in the same order, one input size, no nested sets.
 */
export async function readModelFolder(dir: string | URL): Promise<ModelFolder> {
  const json = await readMetadataJson(dir);
  if (!isSetMetadata(json)) return { kind: "model", metadata: json as FerModelMetadata };
  const where = dir instanceof URL ? dir.pathname : dir;
  const metadata = parseSetMetadata(json, where);
  const members = await readSetMembers(
    dir,
    metadata,
    async (member) => await readMetadataJson(member) as FerModelMetadata,
  );
  return { kind: "set", metadata, members };
}

/**
 * Reads `fer-model.json` from `dir`.
 *
 * @throws {Error} when `dir` holds a model set: the caller needs one model (use a member).
 */
export async function readModelMetadata(dir: string | URL): Promise<FerModelMetadata> {
  const json = await readMetadataJson(dir);
  if (isSetMetadata(json)) {
    const where = dir instanceof URL ? dir.pathname : dir;
    const paths = (json as { members?: { path?: string }[] }).members?.map((m) => m.path);
    throw new Error(
      `${where} is a model set (fer-model.json "kind": "set"), not one model; this needs a single ` +
        `model: give one of its members (${paths?.join(", ") ?? "none listed"})`,
    );
  }
  return json as FerModelMetadata;
}

/** Loads an exported model folder: the model and its `fer-model.json`. */
export async function loadModelDir(dir: string | URL): Promise<LoadedModel> {
  const [model, metadata] = await Promise.all([loadLayersModelDir(dir), readModelMetadata(dir)]);
  return { model, metadata };
}
