/**
 * A byte-level streaming CSV line splitter for FER2013. It works on raw `Uint8Array` chunks so that
 * the 270 MB file is never decoded into JavaScript strings: the pixel field is parsed straight from
 * bytes by the caller. Lines end at LF, CRLF or a lone CR (old Mac exports), all counted as one.
 *
 * Each physical line is one record: FER2013 has no field that spans lines, so a quote still open at
 * the end of a line is a malformed record at that line, and the next line is read afresh. A stray
 * quote can therefore never swallow the good lines after it. Within a line, fields may be quoted
 * (RFC 4180, `""` for a quote, spaces allowed around the quotes); unquoted lines (all of FER2013)
 * take a fast path built on native `indexOf`.
 *
 * @module
 */

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;
const SPACE = 0x20;
const BOM = [0xef, 0xbb, 0xbf];

/** Longest line accepted by default: FER2013 lines are under 10 KB. */
export const MAX_LINE_BYTES = 1 << 20;

/** Why a line is not a record, e.g. `{ kind: "quoting", reason: "..." }`. */
export interface CsvLineProblem {
  /** Short category for summaries: `"quoting"` or `"line length"`. */
  kind: string;
  /** Human-readable reason. */
  reason: string;
}

/** One CSV record: its fields as raw bytes (quotes removed, `""` unescaped). */
export interface CsvRecord {
  /** 1-based physical line number of the record. */
  line: number;
  /** Field bytes; views into the stream's chunks, valid until the next record is requested. */
  fields: Uint8Array[];
  /** Set when the line is malformed (bad quoting, too long); `fields` is empty then. */
  problem?: CsvLineProblem;
}

/** Options of {@link csvRecords}. */
export interface CsvRecordsOptions {
  /** Lines longer than this many bytes are reported as a problem and skipped (default 1 MiB). */
  maxLineBytes?: number;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function splitUnquoted(line: Uint8Array): Uint8Array[] {
  const fields: Uint8Array[] = [];
  let start = 0;
  let comma = line.indexOf(COMMA);
  while (comma !== -1) {
    fields.push(line.subarray(start, comma));
    start = comma + 1;
    comma = line.indexOf(COMMA, start);
  }
  fields.push(line.subarray(start));
  return fields;
}

/** Splits a line that holds a quote; a quoting error is returned as a reason. */
function splitQuoted(line: Uint8Array): Uint8Array[] | string {
  const fields: Uint8Array[] = [];
  const n = line.length;
  let i = 0; // start of the current field
  while (true) {
    let j = i;
    while (j < n && line[j] === SPACE) j++;
    if (j < n && line[j] === QUOTE) {
      const open = j;
      const parts: Uint8Array[] = [];
      let bytes = 0;
      j++;
      while (true) {
        const close = line.indexOf(QUOTE, j);
        if (close === -1) {
          return `quote opened at column ${open + 1} is still open at the end of the line ` +
            `(FER2013 fields never span lines)`;
        }
        const escaped = line[close + 1] === QUOTE;
        const part = line.subarray(j, escaped ? close + 1 : close);
        parts.push(part);
        bytes += part.length;
        j = close + (escaped ? 2 : 1);
        if (!escaped) break;
      }
      while (j < n && line[j] === SPACE) j++;
      if (j < n && line[j] !== COMMA) {
        return `text after the closing quote at column ${j + 1}`;
      }
      fields.push(parts.length === 1 ? parts[0] : concat(parts, bytes));
    } else {
      const comma = line.indexOf(COMMA, i);
      j = comma === -1 ? n : comma;
      const stray = line.subarray(i, j).indexOf(QUOTE);
      if (stray !== -1) return `stray quote at column ${i + stray + 1} inside an unquoted field`;
      fields.push(line.subarray(i, j));
    }
    if (j >= n) return fields;
    i = j + 1; // past the comma
  }
}

/** Drops a UTF-8 byte-order mark at the very start of the input. */
async function* withoutBom(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let head: Uint8Array = new Uint8Array(0); // first bytes, held back until a byte-order mark can be ruled out
  let decided = false;
  for await (const chunk of chunks) {
    if (decided) {
      yield chunk;
      continue;
    }
    head = concat([head, chunk], head.length + chunk.length);
    if (head.length < BOM.length && head.every((b, i) => b === BOM[i])) continue;
    decided = true;
    yield BOM.every((b, i) => head[i] === b) ? head.subarray(BOM.length) : head;
  }
  if (!decided && head.length > 0 && !BOM.every((b, i) => head[i] === b)) yield head;
}

/**
 * Splits a byte stream into one CSV record per line. Blank lines are skipped but counted; a UTF-8
 * byte-order mark at the start is dropped; a final line without a line end is still returned.
 * A malformed line (quote left open, stray quote, longer than `maxLineBytes`) comes back with a
 * `problem` and no fields, and reading goes on at the next line.
 *
 * @example
 * ```ts
 * for await (const { line, fields, problem } of csvRecords(file.readable)) {
 *   if (problem) console.error(`line ${line}: ${problem.reason}`);
 * }
 * ```
 */
export async function* csvRecords(
  chunks: AsyncIterable<Uint8Array>,
  options: CsvRecordsOptions = {},
): AsyncGenerator<CsvRecord> {
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  let pending: Uint8Array[] = []; // the current line's bytes from earlier chunks
  let pendingBytes = 0;
  let overlong = false; // the current line passed maxLineBytes; its bytes are being dropped
  let lfAfterCr = false; // the previous chunk ended in CR: an LF opening this chunk completes it
  let line = 1;

  const record = (bytes: Uint8Array): CsvRecord | undefined => {
    const at = line++;
    if (overlong) {
      overlong = false;
      const reason = `line is longer than ${maxLineBytes} bytes (FER2013 lines are under 10 KB)`;
      return { line: at, fields: [], problem: { kind: "line length", reason } };
    }
    if (bytes.length === 0) return undefined;
    if (bytes.indexOf(QUOTE) === -1) return { line: at, fields: splitUnquoted(bytes) };
    const fields = splitQuoted(bytes);
    if (typeof fields === "string") {
      return { line: at, fields: [], problem: { kind: "quoting", reason: fields } };
    }
    return { line: at, fields };
  };

  for await (const chunk of withoutBom(chunks)) {
    if (chunk.length === 0) continue;
    let start = 0;
    if (lfAfterCr) {
      lfAfterCr = false;
      if (chunk[0] === LF) start = 1;
    }
    let lf = -2; // next LF at or after `start` (-1: none in this chunk), found lazily
    while (start < chunk.length) {
      if (lf !== -1 && lf < start) lf = chunk.indexOf(LF, start);
      // A CR before the LF ends the line too (CRLF, or a CR-only file).
      const cr = chunk.subarray(start, lf === -1 ? chunk.length : lf).indexOf(CR);
      const end = cr === -1 ? lf : start + cr;
      if (end === -1) {
        const rest = chunk.subarray(start);
        if (!overlong && pendingBytes + rest.length > maxLineBytes) {
          overlong = true;
          pending = [];
          pendingBytes = 0;
        }
        if (!overlong) {
          pending.push(rest.slice());
          pendingBytes += rest.length;
        }
        break;
      }
      let next = end + 1;
      if (chunk[end] === CR) {
        if (next === chunk.length) lfAfterCr = true;
        else if (chunk[next] === LF) next++;
      }
      const segment = chunk.subarray(start, end);
      if (!overlong && pendingBytes + segment.length > maxLineBytes) overlong = true;
      const bytes = overlong || pendingBytes === 0
        ? segment
        : concat([...pending, segment], pendingBytes + segment.length);
      pending = [];
      pendingBytes = 0;
      start = next;
      const found = record(bytes);
      if (found) yield found;
    }
  }
  if (pendingBytes > 0 || overlong) {
    const found = record(concat(pending, pendingBytes));
    if (found) yield found;
  }
}
