/**
 * Reads model files out of `@mediapipe/face_mesh`'s packed asset bundle. The npm package ships its
 * models concatenated in `face_mesh_solution_packed_assets.data`; the loader script next to it
 * (`face_mesh_solution_packed_assets_loader.js`) calls `loadPackage({"files": [...]})` with each
 * file's name and byte range. Parsing that index (instead of hard-coding offsets) keeps working if
 * a package update moves the files.
 *
 * @module
 */

/** Name of the data file inside the package. */
export const PACKED_DATA_FILE = "face_mesh_solution_packed_assets.data";
/** Name of the loader script that indexes the data file. */
export const PACKED_LOADER_FILE = "face_mesh_solution_packed_assets_loader.js";

/** One file inside the packed bundle. */
export interface PackedAsset {
  /** Path as the bundle names it, e.g. `/third_party/mediapipe/modules/face_landmark/face_landmark.tflite`. */
  filename: string;
  /** First byte in the data file. */
  start: number;
  /** One past the last byte. */
  end: number;
}

/** Folder of the installed `@mediapipe/face_mesh` package (resolved through the import map). */
export function faceMeshPackageDir(): URL {
  return new URL("./", import.meta.resolve("@mediapipe/face_mesh"));
}

/** Extracts the file index from the loader script's `loadPackage({...})` call. */
export function parsePackedAssetIndex(loaderSource: string): PackedAsset[] {
  const match = loadPackageArgument(loaderSource);
  if (!match) throw new Error(`${PACKED_LOADER_FILE}: no loadPackage({...}) call found`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(match);
  } catch (error) {
    throw new Error(`${PACKED_LOADER_FILE}: the loadPackage argument is not JSON`, {
      cause: error,
    });
  }
  const files = (parsed as { files?: unknown }).files;
  if (!Array.isArray(files)) throw new Error(`${PACKED_LOADER_FILE}: loadPackage has no files`);
  return files.map((file, i) => {
    const { filename, start, end } = file as Record<string, unknown>;
    if (
      typeof filename !== "string" || !Number.isInteger(start) || !Number.isInteger(end) ||
      (start as number) < 0 || (end as number) < (start as number)
    ) {
      throw new Error(`${PACKED_LOADER_FILE}: file entry ${i} is malformed`);
    }
    return { filename, start: start as number, end: end as number };
  });
}

/** The balanced-brace JSON object passed to `loadPackage(`, or undefined. */
function loadPackageArgument(source: string): string | undefined {
  const at = source.lastIndexOf("loadPackage({");
  if (at < 0) return undefined;
  const begin = at + "loadPackage(".length;
  let depth = 0;
  let inString = false;
  for (let i = begin; i < source.length; i++) {
    const c = source[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return source.slice(begin, i + 1);
  }
  return undefined;
}

/**
 * Reads the packed file whose name ends with `basename` (e.g. `face_landmark.tflite`) from the
 * package in `packageDir` (default: the installed one). Throws naming the files that do exist.
 */
export async function readPackedAsset(
  basename: string,
  packageDir: URL = faceMeshPackageDir(),
): Promise<Uint8Array> {
  let loader: string;
  let data: Uint8Array;
  try {
    loader = await Deno.readTextFile(new URL(PACKED_LOADER_FILE, packageDir));
    data = await Deno.readFile(new URL(PACKED_DATA_FILE, packageDir));
  } catch (error) {
    throw new Error(
      `cannot read @mediapipe/face_mesh from ${packageDir.pathname} (is node_modules installed? run \`deno install\`)`,
      { cause: error },
    );
  }
  const index = parsePackedAssetIndex(loader);
  const asset = index.find((file) => file.filename.split("/").pop() === basename);
  if (!asset) {
    const names = index.map((file) => file.filename.split("/").pop()).join(", ");
    throw new Error(`@mediapipe/face_mesh has no packed file ${basename} (it has: ${names})`);
  }
  if (asset.end > data.length) {
    throw new Error(`${PACKED_DATA_FILE} is truncated: ${basename} ends past byte ${data.length}`);
  }
  return data.slice(asset.start, asset.end);
}
