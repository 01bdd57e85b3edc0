/**
 * A byte-level streaming CSV record splitter (RFC 4180: comma separator, `"` quoting with `""`
 * escapes, LF or CRLF line ends). It works on raw `Uint8Array` chunks so that the 270 MB FER2013 file
 * is never decoded into JavaScript strings: the pixel field is parsed straight from bytes by the
 * caller. Unquoted records (all of FER2013) take a fast path built on native `indexOf`.
 *
 * @module
 */

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;
const BOM = [0xef, 0xbb, 0xbf];

/** One CSV record: its fields as raw bytes (quotes removed, `""` unescaped). */
export interface CsvRecord {
  /** 1-based physical line number where the record starts. */
  line: number;
  /** Field bytes; views into the stream's chunks, valid until the next record is requested. */
  fields: Uint8Array[];
  /** Set when the record ended inside an open quoted field (only possible at end of input). */
  unterminatedQuote?: boolean;
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

function countQuotes(bytes: Uint8Array): number {
  let n = 0;
  let i = bytes.indexOf(QUOTE);
  while (i !== -1) {
    n++;
    i = bytes.indexOf(QUOTE, i + 1);
  }
  return n;
}

function splitUnquoted(record: Uint8Array): Uint8Array[] {
  const fields: Uint8Array[] = [];
  let start = 0;
  let comma = record.indexOf(COMMA);
  while (comma !== -1) {
    fields.push(record.subarray(start, comma));
    start = comma + 1;
    comma = record.indexOf(COMMA, start);
  }
  fields.push(record.subarray(start));
  return fields;
}

function splitQuoted(record: Uint8Array): Uint8Array[] {
  const fields: Uint8Array[] = [];
  let field: number[] = [];
  let inQuotes = false;
  for (let i = 0; i < record.length; i++) {
    const b = record[i];
    if (inQuotes) {
      if (b === QUOTE) {
        if (record[i + 1] === QUOTE) {
          field.push(QUOTE);
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        field.push(b);
      }
    } else if (b === QUOTE) {
      inQuotes = true;
    } else if (b === COMMA) {
      fields.push(Uint8Array.from(field));
      field = [];
    } else {
      field.push(b);
    }
  }
  fields.push(Uint8Array.from(field));
  return fields;
}

function countNewlines(bytes: Uint8Array): number {
  let n = 0;
  let i = bytes.indexOf(LF);
  while (i !== -1) {
    n++;
    i = bytes.indexOf(LF, i + 1);
  }
  return n;
}

/**
 * Splits a byte stream into CSV records. Blank lines are skipped; a UTF-8 byte-order mark at the
 * start is dropped; a final record without a line end is still returned.
 */
export async function* csvRecords(
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<CsvRecord> {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let pendingQuotes = 0;
  let line = 1;
  let first = true;

  const finish = (bytes: Uint8Array, quotes: number): CsvRecord | undefined => {
    const startLine = line;
    line += countNewlines(bytes) + 1;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === CR) end--;
    const record = bytes.subarray(0, end);
    if (record.length === 0) return undefined;
    const fields = quotes === 0 ? splitUnquoted(record) : splitQuoted(record);
    return { line: startLine, fields };
  };

  let head: Uint8Array = new Uint8Array(0); // first bytes, held back until a byte-order mark can be ruled out
  for await (let chunk of chunks) {
    if (first) {
      head = concat([head, chunk], head.length + chunk.length);
      if (head.length < 3 && head.every((b, i) => b === BOM[i])) continue;
      first = false;
      chunk = BOM.every((b, i) => head[i] === b) ? head.subarray(3) : head;
    }
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(LF, start);
      const segment = chunk.subarray(start, newline === -1 ? chunk.length : newline);
      const quotes = pendingQuotes + (segment.indexOf(QUOTE) === -1 ? 0 : countQuotes(segment));
      if (newline === -1 || quotes % 2 === 1) {
        // The record continues: no line end in this chunk, or the line end is inside quotes.
        const part = newline === -1 ? segment : chunk.subarray(start, newline + 1);
        pending.push(part.slice());
        pendingBytes += part.length;
        pendingQuotes = quotes;
        start = newline === -1 ? chunk.length : newline + 1;
        continue;
      }
      const bytes = pendingBytes === 0
        ? segment
        : concat([...pending, segment], pendingBytes + segment.length);
      pending = [];
      pendingBytes = 0;
      pendingQuotes = 0;
      start = newline + 1;
      const record = finish(bytes, quotes);
      if (record) yield record;
    }
  }
  if (first && head.length > 0 && !BOM.every((b, i) => head[i] === b)) {
    // Input shorter than a byte-order mark.
    pending = [head];
    pendingBytes = head.length;
  }
  if (pendingBytes > 0) {
    const bytes = concat(pending, pendingBytes);
    const record = finish(bytes, pendingQuotes);
    if (record) {
      if (pendingQuotes % 2 === 1) record.unterminatedQuote = true;
      yield record;
    }
  }
}
