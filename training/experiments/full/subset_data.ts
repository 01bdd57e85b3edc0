/**
 * A prepared-data folder holding only some expressions, cut from a 7-expression one: the same
 * files `deno task prepare --expressions 0,3,4,5,6` writes (rows in file order, labels re-indexed
 * in the given order), without reading the CSV or running the face mesh again. `deno task train`
 * then trains a 5-class model on it like on any prepared data.
 *
 * @module
 */
import { join } from "node:path";
import {
  type PreparedManifest,
  readManifest,
  readPreparedSplit,
  SPLIT_NAMES,
  writeManifest,
  writePreparedSplit,
} from "../../data/cache.ts";
import { selectExpressions } from "../subset.ts";

/** What the subset's manifest records of its origin, to tell whether it is up to date. */
interface SubsetOrigin {
  /** The folder it was cut from. */
  dir: string;
  /** Its source CSV's SHA-256 and the expressions kept. */
  sha256: string;
  expressions: number[];
}

async function manifestOrUndefined(dir: string): Promise<PreparedManifest | undefined> {
  try {
    return await readManifest(dir);
  } catch {
    return undefined;
  }
}

/**
 * Makes `out` the `expressions` of the 7-expression prepared folder `source` (every split and
 * feature it has), unless `out` already is that subset of the same CSV; returns whether it wrote.
 * Written to `out.partial` and renamed, so an interrupted cut is never taken for a finished one.
 */
export async function ensureExpressionSubset(
  source: string,
  out: string,
  expressions: readonly number[],
): Promise<boolean> {
  const manifest = await readManifest(source);
  if (manifest.expressions.join() !== "0,1,2,3,4,5,6") {
    throw new Error(`${source} must hold all 7 expressions (prepared without --expressions)`);
  }
  const existing = await manifestOrUndefined(out);
  const origin = existing?.options.subsetOf as SubsetOrigin | undefined;
  const sameKeys = (a: object, b: object) => Object.keys(a).join() === Object.keys(b).join();
  if (
    existing && origin?.sha256 === manifest.source.sha256 &&
    origin.expressions.join() === expressions.join() &&
    sameKeys(existing.features, manifest.features) && sameKeys(existing.splits, manifest.splits)
  ) {
    return false;
  }
  const partial = `${out}.partial`;
  await Deno.remove(partial, { recursive: true }).catch(() => {});
  const splits: PreparedManifest["splits"] = {};
  for (const split of SPLIT_NAMES.filter((s) => s in manifest.splits)) {
    // One feature at a time (the images are rewritten with each): the sliding-window HOG of
    // Training alone is ~300 MB.
    const names = Object.keys(manifest.features);
    for (const features of names.length ? names.map((name) => [name]) : [[]]) {
      const cut = selectExpressions(
        await readPreparedSplit(source, split, { features }),
        expressions,
      );
      await writePreparedSplit(partial, cut);
      const classCounts = expressions.map(() => 0);
      for (const label of cut.labels) classCounts[label]++;
      splits[split] = { count: cut.count, classCounts };
    }
  }
  const subsetOf: SubsetOrigin = {
    dir: source,
    sha256: manifest.source.sha256,
    expressions: [...expressions],
  };
  await writeManifest(partial, {
    ...manifest,
    labels: expressions.map((id) => manifest.labels[id]),
    expressions: [...expressions],
    splits,
    options: { ...manifest.options, expressions: [...expressions], subsetOf },
  });
  await Deno.remove(out, { recursive: true }).catch(() => {});
  await Deno.rename(partial, out);
  return true;
}

/** Where the study keeps its 5-expression data: `ROOT/data-5`. */
export function subsetDir(root: string, classes: number): string {
  return join(root, `data-${classes}`);
}
