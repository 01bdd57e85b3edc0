/**
 * Reads the `labels.csv` of a photo folder (`file,label` with a header row; labels are the lowercase
 * class names, e.g. `happy`). Malformed rows are kept aside with their line numbers, never dropped
 * silently: the caller reports them.
 *
 * @module
 */
import { csvRecords } from "../data/csv_records.ts";

/** One labelled photo. */
export interface LabelledPhoto {
  /** File name relative to the folder. */
  file: string;
  /** Class name, one of the labels passed to {@link parseLabelsCsv}. */
  label: string;
  /** 1-based line of the row in `labels.csv`. */
  line: number;
}

/** A row that could not be used, with why. */
export interface BadLabelRow {
  line: number;
  reason: string;
}

/** What {@link parseLabelsCsv} found. */
export interface LabelsCsv {
  photos: LabelledPhoto[];
  bad: BadLabelRow[];
}

const decoder = new TextDecoder();

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/**
 * Parses `labels.csv` bytes. The header must be `file,label`; a row with another field count, an
 * empty or absolute file name, a label not in `labels`, or a file already listed is bad.
 *
 * @example
 * ```ts
 * const { photos, bad } = await parseLabelsCsv(bytes, ["angry", "happy"]);
 * for (const row of bad) console.error(`labels.csv line ${row.line}: ${row.reason}`);
 * ```
 * @throws {Error} when the file is empty or its header is not `file,label`.
 */
export async function parseLabelsCsv(
  bytes: Uint8Array,
  labels: readonly string[],
): Promise<LabelsCsv> {
  const photos: LabelledPhoto[] = [];
  const bad: BadLabelRow[] = [];
  const seen = new Map<string, number>();
  let header = true;
  for await (const record of csvRecords(once(bytes))) {
    const fields = record.fields.map((f) => decoder.decode(f).trim());
    const line = record.line;
    if (header) {
      header = false;
      if (fields.length !== 2 || fields[0] !== "file" || fields[1] !== "label") {
        throw new Error(`labels.csv line ${line}: the header must be "file,label"`);
      }
      continue;
    }
    if (record.problem) {
      bad.push({ line, reason: record.problem.reason });
      continue;
    }
    if (fields.length !== 2) {
      bad.push({ line, reason: `expected 2 fields (file,label), found ${fields.length}` });
      continue;
    }
    const [file, label] = fields;
    if (!file || file.startsWith("/") || file.split(/[\\/]/).includes("..")) {
      bad.push({ line, reason: `"${file}" is not a file name inside the folder` });
    } else if (!labels.includes(label)) {
      bad.push({ line, reason: `unknown label "${label}" (expected ${labels.join(", ")})` });
    } else if (seen.has(file)) {
      bad.push({ line, reason: `${file} is already listed on line ${seen.get(file)}` });
    } else {
      seen.set(file, line);
      photos.push({ file, label, line });
    }
  }
  if (header) throw new Error("labels.csv is empty (expected a file,label header)");
  return { photos, bad };
}
