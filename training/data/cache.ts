/**
 * The prepared-data cache written by `deno task prepare` and read by training and evaluation.
 *
 * Layout of a cache directory (all binary files are raw little-endian arrays, no header):
 *
 * ```text
 * manifest.json                 PreparedManifest (counts, labels, feature sizes, source hash)
 * <Split>.images.u8             count x 48 x 48 uint8, row-major, image after image
 * <Split>.labels.u8             count uint8 re-indexed label ids (index into manifest.labels)
 * <Split>.<feature>.f32         count x features[feature] float32, e.g. Training.hog.f32
 * ```
 *
 * Separate files per feature let a reader load only what it needs (the sliding-window HOG of the
 * training split alone is ~300 MB).
 *
 * @module
 */
import { join } from "node:path";
import { FER_PIXELS } from "../../src/face.ts";

/** A FER2013 `Usage` value. */
export type SplitName = "Training" | "PublicTest" | "PrivateTest";

/** All split names, in the order the dataset lists them. */
export const SPLIT_NAMES: readonly SplitName[] = ["Training", "PublicTest", "PrivateTest"];

/** Version of the on-disk layout; bumped whenever files or manifest fields change meaning. */
export const CACHE_FORMAT_VERSION = 1;

/** File name of the manifest inside a cache directory. */
export const MANIFEST_FILE = "manifest.json";

/** What a cache directory holds; stored as `manifest.json`. */
export interface PreparedManifest {
  /** {@link CACHE_FORMAT_VERSION} of the writer. */
  formatVersion: number;
  /** Class names in stored-label order: `labels[i]` is the name of stored label `i`. */
  labels: string[];
  /** Original FER2013 emotion ids kept, in new index order: stored label `i` was `expressions[i]`. */
  expressions: number[];
  /** Per split present in the source: number of images and images per stored label. */
  splits: Record<string, { count: number; classCounts: number[] }>;
  /** Feature name -> values per image, e.g. `hog` 72, `hogWindows` 2592. */
  features: Record<string, number>;
  /** The CSV the cache was made from, for the up-to-date check and provenance. */
  source: { path: string; bytes: number; sha256: string };
  /** The conversion options (flags) that produced the cache. */
  options: Record<string, unknown>;
}

/** One split held in memory. */
export interface PreparedSplit {
  /** Which split this is. */
  split: SplitName;
  /** Number of images. */
  count: number;
  /** `count * 48 * 48` grayscale pixels, row-major, image after image. */
  images: Uint8Array;
  /** `count` stored (re-indexed) label ids. */
  labels: Uint8Array;
  /** Feature name -> `count * length` values, image after image. */
  features: Record<string, Float32Array>;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function assertLittleEndian(): void {
  // The files are raw typed-array bytes; a big-endian host would read them scrambled.
  if (!LITTLE_ENDIAN) throw new Error("the prepared-data cache needs a little-endian host");
}

/** Path of the images file of `split` in `dir`. */
export function imagesPath(dir: string, split: SplitName): string {
  return join(dir, `${split}.images.u8`);
}

/** Path of the labels file of `split` in `dir`. */
export function labelsPath(dir: string, split: SplitName): string {
  return join(dir, `${split}.labels.u8`);
}

/** Path of the `feature` matrix file of `split` in `dir`. */
export function featurePath(dir: string, split: SplitName, feature: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(feature)) {
    throw new Error(`invalid feature name ${JSON.stringify(feature)}`);
  }
  return join(dir, `${split}.${feature}.f32`);
}

/** Reads and validates `manifest.json` in `dir`; throws a clear error if it is missing or malformed. */
export async function readManifest(dir: string): Promise<PreparedManifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(
        `no prepared data at ${dir} (missing ${MANIFEST_FILE}); run: deno task prepare`,
      );
    }
    throw error;
  }
  let manifest: PreparedManifest;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (manifest?.formatVersion !== CACHE_FORMAT_VERSION) {
    throw new Error(
      `${path} has format version ${manifest?.formatVersion}, expected ${CACHE_FORMAT_VERSION}; ` +
        "re-run: deno task prepare",
    );
  }
  if (!Array.isArray(manifest.labels) || typeof manifest.splits !== "object") {
    throw new Error(`${path} lacks labels or splits`);
  }
  return manifest;
}

/** Writes `manifest` as `manifest.json` in `dir` (creating `dir`). Write it last: it marks the cache complete. */
export async function writeManifest(dir: string, manifest: PreparedManifest): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const tmp = join(dir, `${MANIFEST_FILE}.tmp`);
  await Deno.writeTextFile(tmp, JSON.stringify(manifest, null, 2) + "\n");
  await Deno.rename(tmp, join(dir, MANIFEST_FILE));
}

async function readExact(path: string, bytes: number): Promise<Uint8Array> {
  let data: Uint8Array;
  try {
    data = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`prepared-data file ${path} is missing; re-run: deno task prepare`);
    }
    throw error;
  }
  if (data.byteLength !== bytes) {
    throw new Error(
      `${path} has ${data.byteLength} bytes, expected ${bytes}; re-run: deno task prepare`,
    );
  }
  return data;
}

/**
 * Reads one split of the cache in `dir`. `options.features` names the feature matrices to load
 * (default: every feature in the manifest; `[]` loads images and labels only). Throws if the split
 * is absent, a requested feature was not prepared, or a file's size disagrees with the manifest.
 */
export async function readPreparedSplit(
  dir: string,
  split: SplitName,
  options: { features?: string[] } = {},
): Promise<PreparedSplit> {
  assertLittleEndian();
  const manifest = await readManifest(dir);
  const info = manifest.splits[split];
  if (!info) {
    const present = Object.keys(manifest.splits).join(", ") || "none";
    throw new Error(`split ${split} is not in ${dir} (present: ${present})`);
  }
  const count = info.count;
  const images = await readExact(imagesPath(dir, split), count * FER_PIXELS);
  const labels = await readExact(labelsPath(dir, split), count);
  const features: Record<string, Float32Array> = {};
  for (const name of options.features ?? Object.keys(manifest.features)) {
    const length = manifest.features[name];
    if (length === undefined) {
      const known = Object.keys(manifest.features).join(", ") || "none";
      throw new Error(
        `feature ${JSON.stringify(name)} was not prepared in ${dir} (prepared: ${known})`,
      );
    }
    const bytes = await readExact(featurePath(dir, split, name), count * length * 4);
    features[name] = new Float32Array(bytes.buffer, bytes.byteOffset, count * length);
  }
  return { split: split, count, images, labels, features };
}

/**
 * Writes the images, labels and feature matrices of `split` into `dir` (creating it). Does not touch
 * the manifest: call {@link writeManifest} after all splits are written.
 */
export async function writePreparedSplit(dir: string, split: PreparedSplit): Promise<void> {
  assertLittleEndian();
  const { count } = split;
  if (split.images.length !== count * FER_PIXELS) {
    throw new Error(`${split.split}: ${split.images.length} pixels for ${count} images`);
  }
  if (split.labels.length !== count) {
    throw new Error(`${split.split}: ${split.labels.length} labels for ${count} images`);
  }
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeFile(imagesPath(dir, split.split), split.images);
  await Deno.writeFile(labelsPath(dir, split.split), split.labels);
  for (const [name, values] of Object.entries(split.features)) {
    if (count > 0 && values.length % count !== 0) {
      throw new Error(
        `${split.split}: feature ${name} has ${values.length} values for ${count} images`,
      );
    }
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    await Deno.writeFile(featurePath(dir, split.split, name), bytes);
  }
}
