/**
 * The work behind `deno task prepare`: FER2013 CSV -> prepared-data cache (per-split binary files
 * plus `manifest.json`), skipped when the cache already matches the same source and options.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { ProgressBar } from "../../term/progress.ts";
import {
  type BadRow,
  CACHE_FORMAT_VERSION,
  emptyFerCsvStats,
  featurePath,
  type FerCsvStats,
  imagesPath,
  labelsPath,
  MANIFEST_FILE,
  type PreparedManifest,
  readManifest,
  SPLIT_NAMES,
  type SplitName,
  writeManifest,
  writePreparedSplit,
} from "../data/mod.ts";
import { encodeGrayPng } from "../data/png.ts";
import { loadFerCsvSplits } from "../data/load.ts";
import { FER_EMOTIONS, FER_PIXELS, FER_SIZE } from "../../src/face.ts";

/** Inputs of {@link prepareDataset}. */
export interface PrepareOptions {
  /** FER2013 CSV (`.csv` or gzip). */
  csv: string;
  /** Cache directory to write. */
  out: string;
  /** Emotion ids to keep, in new label order. */
  expressions: number[];
  /** Registered feature names to compute, e.g. `["hog", "hogWindows"]`. */
  features: string[];
  /** Also write every image as `<out>/images/<Split>/<label>/<index>.png`. */
  images: boolean;
  /** At most this many images per split. */
  limit?: number;
  /** Stop at the first bad row. */
  strict: boolean;
  /** Rebuild even if the cache is up to date. */
  force?: boolean;
  /** Draw a progress bar on stderr. */
  progress?: boolean;
  /** Called for each skipped bad row. */
  onBadRow?: (bad: BadRow) => void;
}

/** Outcome of {@link prepareDataset}. */
export interface PrepareResult {
  /** True when the existing cache matched and nothing was converted. */
  upToDate: boolean;
  /** The cache's manifest. */
  manifest: PreparedManifest;
  /** Reader counters of the conversion (absent when up to date). */
  stats?: FerCsvStats;
  /** Wall-clock seconds of the whole call. */
  seconds: number;
}

/** The options recorded in the manifest; two runs with equal values produce the same cache. */
export function manifestOptions(options: PrepareOptions): Record<string, unknown> {
  return {
    expressions: options.expressions,
    features: options.features,
    images: options.images,
    limit: options.limit ?? null,
    strict: options.strict,
  };
}

/** SHA-256 (hex) of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path);
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return undefined;
  }
}

/** True when `dir` holds a complete cache of `csv` made with `options`. */
async function isUpToDate(
  dir: string,
  csvBytes: number,
  options: Record<string, unknown>,
  csv: string,
): Promise<PreparedManifest | undefined> {
  let manifest: PreparedManifest;
  try {
    manifest = await readManifest(dir);
  } catch {
    return undefined;
  }
  if (manifest.source?.bytes !== csvBytes) return undefined;
  if (JSON.stringify(manifest.options) !== JSON.stringify(options)) return undefined;
  for (const [split, info] of Object.entries(manifest.splits)) {
    const name = split as SplitName;
    if (await fileSize(imagesPath(dir, name)) !== info.count * FER_PIXELS) return undefined;
    if (await fileSize(labelsPath(dir, name)) !== info.count) return undefined;
    for (const [feature, length] of Object.entries(manifest.features)) {
      if (await fileSize(featurePath(dir, name, feature)) !== info.count * length * 4) {
        return undefined;
      }
    }
  }
  // Size and options match: only now pay for hashing the source.
  return manifest.source.sha256 === await sha256File(csv) ? manifest : undefined;
}

/** Removes the cache files of an earlier run so no stale split or feature survives. */
async function clearCache(dir: string): Promise<void> {
  let entries: Deno.DirEntry[] = [];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  const ours = new RegExp(`^(${SPLIT_NAMES.join("|")})\\.[A-Za-z0-9_-]+\\.(u8|f32)$`);
  for (const entry of entries) {
    if (entry.name === MANIFEST_FILE || (entry.isFile && ours.test(entry.name))) {
      await Deno.remove(join(dir, entry.name));
    } else if (entry.name === "images" && entry.isDirectory) {
      await Deno.remove(join(dir, entry.name), { recursive: true });
    }
  }
}

/**
 * Converts `options.csv` into the cache at `options.out`, unless it is already up to date (same
 * source size and SHA-256, same options, all files present). Throws on a missing, empty or
 * header-only file, a broken gzip, an unavailable feature, a file whose rows are all bad, or (with
 * `strict`) the first bad row; the previous cache is then left as it was.
 */
export async function prepareDataset(options: PrepareOptions): Promise<PrepareResult> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const recorded = manifestOptions(options);
  const csvBytes = await fileSize(options.csv);
  if (csvBytes !== undefined && !options.force) {
    const manifest = await isUpToDate(options.out, csvBytes, recorded, options.csv);
    if (manifest) return { upToDate: true, manifest, seconds: seconds() };
  }

  // Images go to a side folder until the conversion succeeded, so a failed run keeps the old cache.
  const partialImages = join(options.out, "images.partial");
  await Deno.remove(partialImages, { recursive: true }).catch(() => {});
  const hash = createHash("sha256");
  const stats = emptyFerCsvStats();
  const bar = options.progress && csvBytes
    ? new ProgressBar({ total: Math.ceil(csvBytes / 1e6), label: "prepare", unit: "MB" })
    : undefined;
  const madeDirs = new Set<string>();
  let lastRows = 0;
  const loaded = await loadFerCsvSplits(options.csv, {
    expressions: options.expressions,
    features: options.features,
    limit: options.limit,
    strict: options.strict,
    onBadRow: options.onBadRow,
    stats,
    onRawBytes: (chunk) => hash.update(chunk),
    onRow: async (row, index) => {
      if (bar && stats.rows - lastRows >= 256) {
        lastRows = stats.rows;
        const rate = stats.rows / Math.max(bar.elapsedSeconds, 1e-3);
        bar.update(
          Math.floor(stats.rawBytes / 1e6),
          `${stats.rows} rows ${rate.toFixed(0)} rows/s`,
        );
      }
      if (!options.images) return;
      const dir = join(partialImages, row.usage, FER_EMOTIONS[row.emotion]);
      if (!madeDirs.has(dir)) {
        await Deno.mkdir(dir, { recursive: true });
        madeDirs.add(dir);
      }
      const file = join(dir, `${String(index).padStart(5, "0")}.png`);
      await Deno.writeFile(file, encodeGrayPng(row.pixels, FER_SIZE, FER_SIZE));
    },
  });
  bar?.update(Math.ceil(stats.rawBytes / 1e6));
  bar?.done(`${stats.rows} rows`);
  const bad = Object.values(stats.bad).reduce((sum, n) => sum + n, 0);
  if (stats.rows > 0 && bad === stats.rows) {
    const which = stats.rows === 1 ? "the only data row" : `all ${stats.rows} data rows`;
    throw new Error(
      `no valid rows: ${which} of ${options.csv} ${stats.rows === 1 ? "is" : "are"} bad`,
    );
  }

  await clearCache(options.out);
  if (options.images) {
    await Deno.mkdir(partialImages, { recursive: true }); // exists already unless no row was kept
    await Deno.rename(partialImages, join(options.out, "images"));
  }

  const splits: PreparedManifest["splits"] = {};
  for (const split of SPLIT_NAMES) {
    const prepared = loaded.splits[split];
    if (!prepared) continue;
    await writePreparedSplit(options.out, prepared);
    splits[split] = { count: prepared.count, classCounts: loaded.classCounts[split]! };
  }
  const manifest: PreparedManifest = {
    formatVersion: CACHE_FORMAT_VERSION,
    labels: loaded.labels,
    expressions: loaded.expressions,
    splits,
    features: loaded.featureLengths,
    source: { path: options.csv, bytes: stats.rawBytes, sha256: hash.digest("hex") },
    options: recorded,
  };
  await writeManifest(options.out, manifest);
  return { upToDate: false, manifest, stats, seconds: seconds() };
}
