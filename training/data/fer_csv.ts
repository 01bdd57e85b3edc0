/**
 * Streaming reader of FER2013 CSV files (`emotion,pixels,Usage`), usable without writing a cache:
 * `deno task prepare` builds on it, and so can evaluation on a file that holds only `PrivateTest`.
 *
 * Header variants are accepted: any column order and case, surrounding spaces or quotes, extra
 * columns, a byte-order mark, or no header at all (then the columns are `emotion,pixels[,Usage]`).
 * Values are strict: every row has the header's field count, and `Usage` is exactly `Training`,
 * `PublicTest` or `PrivateTest`.
 *
 * @module
 */
import { FER_EMOTIONS, FER_PIXELS } from "../../src/face.ts";
import { SPLIT_NAMES, type SplitName } from "./cache.ts";
import { type CsvRecord, csvRecords } from "./csv_records.ts";
import { GzipError } from "./gunzip.ts";
import { openFerSource, openFerStream, type RawByteObserver } from "./source.ts";

/** One valid image row. */
export interface FerRow {
  /** 1-based physical line of the row in the CSV (the header is line 1). */
  line: number;
  /** Original FER2013 emotion id (0..6). */
  emotion: number;
  /** Re-indexed label: position of `emotion` in `options.expressions` (equals `emotion` by default). */
  label: number;
  /** The row's split. */
  usage: SplitName;
  /** 48 x 48 grayscale pixels, row-major; a fresh array per row. */
  pixels: Uint8Array;
}

/** A row that was rejected. */
export interface BadRow {
  /** 1-based physical line of the row. */
  line: number;
  /** Short category, e.g. `"pixel count"`, for summaries. */
  kind: string;
  /** Human-readable reason, e.g. `"2303 pixel values, expected 2304"`. */
  reason: string;
}

/** Counters a {@link readFerCsv} call fills in as it reads (pass your own object to see them). */
export interface FerCsvStats {
  /** Data rows seen (after the header), valid or not. */
  rows: number;
  /** Rows yielded. */
  yielded: number;
  /** Rows rejected as bad, by {@link BadRow.kind}. */
  bad: Record<string, number>;
  /** Valid rows left out because their emotion is not in `expressions`. */
  filtered: number;
  /** Valid rows left out because their split already reached `limit`. */
  overLimit: number;
  /** Raw (compressed) bytes read from the file so far. */
  rawBytes: number;
}

/** Options of {@link readFerCsv}. */
export interface ReadFerCsvOptions {
  /** Throw a {@link FerCsvError} at the first bad row instead of skipping it. */
  strict?: boolean;
  /** Emotion ids to keep, in new label order (default all seven, unchanged). */
  expressions?: readonly number[];
  /** At most this many rows per split. */
  limit?: number;
  /** Called for every skipped bad row (not called in strict mode: the error is thrown instead). */
  onBadRow?: (bad: BadRow) => void;
  /** Split of every row when the file has no `Usage` column (otherwise such a file is an error). */
  defaultUsage?: SplitName;
  /** Counters updated while reading. */
  stats?: FerCsvStats;
  /** Sees every raw byte chunk read from a file (progress, hashing). */
  onRawBytes?: RawByteObserver;
}

/** A malformed row in strict mode, a malformed header, or a broken stream; says the line. */
export class FerCsvError extends Error {
  /** 1-based line the problem was found at. */
  readonly line: number;
  /** Creates the error with `line N: ` prefixed to the message. */
  constructor(line: number, message: string, options?: ErrorOptions) {
    super(`line ${line}: ${message}`, options);
    this.name = "FerCsvError";
    this.line = line;
  }
}

/** Fresh zeroed {@link FerCsvStats}. */
export function emptyFerCsvStats(): FerCsvStats {
  return { rows: 0, yielded: 0, bad: {}, filtered: 0, overLimit: 0, rawBytes: 0 };
}

/** Validates an `expressions` list: distinct FER2013 ids 0..6, at least one. */
export function validateExpressions(expressions: readonly number[]): number[] {
  if (expressions.length === 0) throw new Error("expressions: need at least one emotion id");
  const seen = new Set<number>();
  for (const id of expressions) {
    if (!Number.isInteger(id) || id < 0 || id >= FER_EMOTIONS.length) {
      throw new Error(
        `expressions: ${id} is not a FER2013 emotion id (0..${FER_EMOTIONS.length - 1})`,
      );
    }
    if (seen.has(id)) throw new Error(`expressions: ${id} is listed twice`);
    seen.add(id);
  }
  return [...expressions];
}

const decoder = new TextDecoder();

function text(field: Uint8Array): string {
  return decoder.decode(field).trim();
}

interface Columns {
  emotion: number;
  pixels: number;
  usage: number; // -1: no Usage column
  fields: number; // every row has exactly this many
  header: boolean;
}

function headerColumns(fields: Uint8Array[], line: number): Columns | undefined {
  const names = fields.map((f) => text(f).toLowerCase());
  const known = ["emotion", "pixels", "usage"];
  if (!names.some((n) => known.includes(n))) return undefined;
  const emotion = names.indexOf("emotion");
  const pixels = names.indexOf("pixels");
  if (emotion < 0 || pixels < 0) {
    throw new FerCsvError(
      line,
      `header ${JSON.stringify(names.join(","))} lacks an emotion or pixels column`,
    );
  }
  const usage = names.indexOf("usage");
  return { emotion, pixels, usage, fields: names.length, header: true };
}

/** Usage names are matched exactly (after trimming spaces): `training` is a bad row. */
const USAGE_BY_NAME = new Map<string, SplitName>(SPLIT_NAMES.map((s) => [s, s]));

/** Parses an emotion field: ASCII digits (optionally space-padded) 0..6, else `undefined`. */
function parseEmotion(field: Uint8Array): number | undefined {
  let value = -1;
  let i = 0;
  let end = field.length;
  while (i < end && field[i] === 0x20) i++;
  while (end > i && field[end - 1] === 0x20) end--;
  if (end - i < 1 || end - i > 2) return undefined;
  for (value = 0; i < end; i++) {
    const d = field[i] - 0x30;
    if (d < 0 || d > 9) return undefined;
    value = value * 10 + d;
  }
  return value < FER_EMOTIONS.length ? value : undefined;
}

/**
 * Parses space-separated 0..255 integers into `out` (length {@link FER_PIXELS}). Returns `null`
 * on success or the reason the field is invalid.
 */
export function parsePixels(
  field: Uint8Array,
  out: Uint8Array,
): { kind: string; reason: string } | null {
  let count = 0;
  let value = 0;
  let digits = 0;
  const n = field.length;
  for (let i = 0; i <= n; i++) {
    const b = i < n ? field[i] : 0x20;
    const d = b - 0x30;
    if (d >= 0 && d <= 9) {
      value = value * 10 + d;
      digits++;
      continue;
    }
    if (b === 0x20 || b === 0x09) {
      if (digits === 0) continue;
      if (value > 255) {
        return { kind: "pixel range", reason: `pixel ${count + 1} is ${value}, outside 0..255` };
      }
      if (count < out.length) out[count] = value;
      count++;
      value = 0;
      digits = 0;
      continue;
    }
    const token = decoder.decode(field.subarray(Math.max(0, i - digits), Math.min(n, i + 8)));
    return {
      kind: "pixel value",
      reason: `pixel ${count + 1} (${
        JSON.stringify(token.split(/\s/)[0])
      }) is not an integer 0..255`,
    };
  }
  if (count !== out.length) {
    return { kind: "pixel count", reason: `${count} pixel values, expected ${out.length}` };
  }
  return null;
}

/**
 * Reads FER2013 rows from a file path (`.csv` or gzip, every member of a multi-member gzip) or a
 * byte stream, yielding valid rows in file order. Bad rows (a quote left open at the end of the
 * line or other bad quoting, a field count other than the header's, wrong pixel count, pixel
 * outside 0..255, unknown emotion, a Usage other than exactly `Training`, `PublicTest` or
 * `PrivateTest`) are skipped and reported to `onBadRow` with their line, or with `strict` stop the
 * read with a {@link FerCsvError}. A bad row never takes the lines after it along: reading goes on
 * at the next physical line. Always throws a {@link FerCsvError} for an empty or header-only
 * input and for a broken gzip stream or trailing garbage after it (naming the byte).
 */
export async function* readFerCsv(
  source: string | ReadableStream<Uint8Array>,
  options: ReadFerCsvOptions = {},
): AsyncGenerator<FerRow> {
  const stats = options.stats ?? emptyFerCsvStats();
  const expressions = validateExpressions(options.expressions ?? FER_EMOTIONS.map((_, i) => i));
  const labelOf = new Int8Array(FER_EMOTIONS.length).fill(-1);
  expressions.forEach((id, label) => (labelOf[id] = label));
  const limit = options.limit ?? Infinity;
  if (!(limit >= 0)) throw new Error(`limit must be a non-negative number, got ${options.limit}`);
  const perSplit = new Map<SplitName, number>();
  const onRaw = (chunk: Uint8Array) => {
    stats.rawBytes += chunk.length;
    options.onRawBytes?.(chunk);
  };
  const opened = typeof source === "string"
    ? await openFerSource(source, onRaw)
    : await openFerStream(source);
  const where = typeof source === "string" ? source : "input stream";

  const reject = (line: number, kind: string, reason: string) => {
    if (options.strict) throw new FerCsvError(line, reason);
    stats.bad[kind] = (stats.bad[kind] ?? 0) + 1;
    options.onBadRow?.({ line, kind, reason });
  };

  let columns: Columns | undefined;
  let lastLine = 1;
  let dataRows = 0;
  const records = csvRecords(opened.stream);
  try {
    yield* rowsOf();
  } finally {
    // Stops the decompression and closes the file when the caller breaks out early.
    await records.return(undefined);
  }

  async function* rowsOf(): AsyncGenerator<FerRow> {
    while (true) {
      let next: IteratorResult<CsvRecord>;
      try {
        next = await records.next();
      } catch (error) {
        if (error instanceof GzipError) {
          // The rows before the error were read; the line says how far the data got.
          throw new FerCsvError(lastLine, `cannot read ${where}: ${error.message}`, {
            cause: error,
          });
        }
        const message = error instanceof Error ? error.message : String(error);
        throw new FerCsvError(lastLine, `cannot read ${where} (${message})`, { cause: error });
      }
      if (next.done) break;
      const { line, fields, problem: malformed } = next.value;
      lastLine = line;
      if (malformed) {
        // Counted as a row even before the header is known: it may have been the header.
        dataRows++;
        stats.rows++;
        reject(line, malformed.kind, malformed.reason);
        continue;
      }
      if (!columns) {
        columns = headerColumns(fields, line);
        if (columns) {
          if (columns.usage < 0 && !options.defaultUsage) {
            throw new FerCsvError(
              line,
              `${where} has no Usage column, so the split of its rows is unknown ` +
                `(expected the header emotion,pixels,Usage)`,
            );
          }
          continue;
        }
        // No header: the first record is data in the Kaggle column order, emotion,pixels,Usage
        // (or emotion,pixels when the caller gives the split).
        const twoColumns = options.defaultUsage !== undefined && fields.length === 2;
        columns = twoColumns
          ? { emotion: 0, pixels: 1, usage: -1, fields: 2, header: false }
          : { emotion: 0, pixels: 1, usage: 2, fields: 3, header: false };
      }
      dataRows++;
      stats.rows++;
      if (fields.length !== columns.fields) {
        const expected = columns.header ? "as in the header" : "emotion,pixels,Usage";
        reject(
          line,
          "field count",
          `${fields.length} fields, expected ${columns.fields} (${expected})`,
        );
        continue;
      }
      const emotion = parseEmotion(fields[columns.emotion]);
      if (emotion === undefined) {
        const value = JSON.stringify(text(fields[columns.emotion]));
        reject(line, "label", `unknown emotion ${value} (expected 0..${FER_EMOTIONS.length - 1})`);
        continue;
      }
      let usage: SplitName | undefined = options.defaultUsage;
      if (columns.usage >= 0) {
        const name = text(fields[columns.usage]);
        usage = USAGE_BY_NAME.get(name);
        if (!usage) {
          reject(
            line,
            "usage",
            `unknown Usage ${JSON.stringify(name)} (expected exactly ${SPLIT_NAMES.join(", ")})`,
          );
          continue;
        }
      }
      const label = labelOf[emotion];
      if (label < 0) {
        stats.filtered++;
        continue;
      }
      const taken = perSplit.get(usage!) ?? 0;
      if (taken >= limit) {
        stats.overLimit++;
        continue;
      }
      const pixels = new Uint8Array(FER_PIXELS);
      const problem = parsePixels(fields[columns.pixels], pixels);
      if (problem) {
        reject(line, problem.kind, problem.reason);
        continue;
      }
      perSplit.set(usage!, taken + 1);
      stats.yielded++;
      yield { line, emotion, label, usage: usage!, pixels };
    }
    if (dataRows === 0) {
      throw new FerCsvError(
        lastLine,
        columns
          ? `${where} has a header but no data rows`
          : `${where} is empty (no header, no rows)`,
      );
    }
  }
}
