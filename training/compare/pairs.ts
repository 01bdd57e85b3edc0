/**
 * Per-item prediction files for `deno task compare --pairs A.json B.json`: any evaluation that can
 * write one record per item (a photo set, another tool's output) gets the same paired statistics
 * as two models on a FER2013 split.
 *
 * The format: a JSON array of records, or an object whose `items` (or `photos`, `predictions`)
 * field is that array. Each record:
 *
 * ```json
 * { "id": "Aaron_Guiel_0001.jpg", "label": "happy", "predicted": "neutral" }
 * ```
 *
 * - `id` (or `file`): a string or number naming the item; unique within the file. The two files
 *   are matched by it and must hold the same ids.
 * - `label`: the true class, a class name or a class index; both files must agree on it.
 * - `predicted`: the model's class, a name or an index; `null` (or absent) = no answer (e.g. no
 *   face found), which counts as wrong.
 *
 * Names are mapped to indices in FER2013 order (then FER+'s contempt) when they are all FER
 * emotions, else in sorted order; indices are kept as they are.
 *
 * @module
 */
import { FERPLUS_EMOTIONS } from "../../src/face.ts";

/** One item of a predictions file. */
export interface PairRecord {
  /** The item's name. */
  id: string;
  /** True class. */
  label: string | number;
  /** Predicted class, or `null` for no answer. */
  predicted: string | number | null;
}

/** Two prediction files matched by id, as class indices ready for `comparePaired`. */
export interface MatchedPairs {
  /** Item ids, in the first file's order. */
  ids: string[];
  /** Class names by index. */
  classNames: string[];
  /** True class per item. */
  labels: Int32Array;
  /** The first file's prediction per item (-1 = none). */
  predictedA: Int32Array;
  /** The second file's. */
  predictedB: Int32Array;
}

const ARRAY_KEYS = ["items", "photos", "predictions"] as const;

/** Checks the parsed JSON of a predictions file and returns its records; `name` is for errors. */
export function parsePairRecords(json: unknown, name: string): PairRecord[] {
  const list = Array.isArray(json)
    ? json
    : json && typeof json === "object"
    ? ARRAY_KEYS.map((k) => (json as Record<string, unknown>)[k]).find(Array.isArray)
    : undefined;
  if (!list) {
    throw new Error(
      `${name}: expected an array of {id, label, predicted} records or an object with an ` +
        `"items" array`,
    );
  }
  const seen = new Set<string>();
  return list.map((raw, i) => {
    const where = `${name}: item ${i + 1}`;
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
      throw new Error(`${where} is not an object`);
    }
    const r = raw as Record<string, unknown>;
    const rawId = r.id ?? r.file;
    if (typeof rawId !== "string" && typeof rawId !== "number") {
      throw new Error(`${where} has no id (or file)`);
    }
    const id = String(rawId);
    if (seen.has(id)) throw new Error(`${where}: id ${JSON.stringify(id)} appears twice`);
    seen.add(id);
    const isClass = (v: unknown) =>
      (typeof v === "string" && v.length > 0) || (Number.isInteger(v) && (v as number) >= 0);
    if (!isClass(r.label)) {
      throw new Error(`${where} (${id}): label must be a class name or index, got ${r.label}`);
    }
    const predicted = r.predicted ?? null;
    if (predicted !== null && !isClass(predicted)) {
      throw new Error(`${where} (${id}): predicted must be a class name, index or null`);
    }
    return {
      id,
      label: r.label as string | number,
      predicted: predicted as string | number | null,
    };
  });
}

/**
 * Class indices for the values seen, and names by index: FER order when the names are FER
 * emotions, else sorted; indices as they are (named by their number).
 */
export function classOrder(values: (string | number)[]): {
  index: (v: string | number) => number;
  names: string[];
} {
  const names = [...new Set(values.filter((v): v is string => typeof v === "string"))];
  const numbers = values.filter((v): v is number => typeof v === "number");
  if (names.length > 0 && numbers.length > 0) {
    throw new Error("labels mix class names and indices; use one kind in both files");
  }
  if (names.length === 0) {
    const classes = Math.max(0, ...numbers) + 1;
    return { index: (v) => v as number, names: Array.from({ length: classes }, (_, i) => `${i}`) };
  }
  const fer = FERPLUS_EMOTIONS as readonly string[];
  const order = names.every((n) => fer.includes(n))
    ? fer.filter((n) => names.includes(n))
    : names.sort();
  return { index: (v) => order.indexOf(v as string), names: order };
}

/** Matches the records of two files by id (see the module doc for the rules). */
export function matchPairs(a: PairRecord[], b: PairRecord[], names = ["A", "B"]): MatchedPairs {
  const byId = new Map(b.map((r) => [r.id, r]));
  const onlyA = a.filter((r) => !byId.has(r.id)).map((r) => r.id);
  const idsA = new Set(a.map((r) => r.id));
  const onlyB = b.filter((r) => !idsA.has(r.id)).map((r) => r.id);
  if (onlyA.length || onlyB.length) {
    const list = (ids: string[]) => ids.slice(0, 5).join(", ") + (ids.length > 5 ? ", ..." : "");
    throw new Error(
      `the files hold different items: ${onlyA.length} only in ${names[0]}` +
        (onlyA.length ? ` (${list(onlyA)})` : "") + `, ${onlyB.length} only in ${names[1]}` +
        (onlyB.length ? ` (${list(onlyB)})` : ""),
    );
  }
  const values: (string | number)[] = [];
  for (const r of [...a, ...b]) {
    values.push(r.label);
    if (r.predicted !== null) values.push(r.predicted);
  }
  const { index, names: classNames } = classOrder(values);
  const n = a.length;
  const labels = new Int32Array(n);
  const predictedA = new Int32Array(n);
  const predictedB = new Int32Array(n);
  a.forEach((ra, i) => {
    const rb = byId.get(ra.id)!;
    if (ra.label !== rb.label) {
      throw new Error(
        `item ${ra.id}: label ${JSON.stringify(ra.label)} in ${names[0]} but ` +
          `${JSON.stringify(rb.label)} in ${names[1]}`,
      );
    }
    labels[i] = index(ra.label);
    predictedA[i] = ra.predicted === null ? -1 : index(ra.predicted);
    predictedB[i] = rb.predicted === null ? -1 : index(rb.predicted);
  });
  return { ids: a.map((r) => r.id), classNames, labels, predictedA, predictedB };
}

/** Reads and parses a predictions file. */
export async function readPairRecords(path: string): Promise<PairRecord[]> {
  let json: unknown;
  try {
    json = JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  return parsePairRecords(json, path);
}
