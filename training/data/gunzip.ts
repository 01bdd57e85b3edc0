/**
 * Streaming gzip decompression that reads every member of a multi-member file (what `cat a.gz b.gz`
 * and parallel compressors make) and says exactly where the data went wrong. The web
 * `DecompressionStream` stops after the first member with "failed to write whole buffer", so here
 * each member's header and trailer are parsed in TypeScript and only its deflate data goes through
 * zlib (`node:zlib`'s raw inflater, which reports how many input bytes the stream used, so the next
 * member starts at the exact byte).
 *
 * @module
 */
import zlib from "node:zlib";

/** A gzip stream that cannot be read; `offset` is the byte of the compressed input it refers to. */
export class GzipError extends Error {
  /** 0-based offset in the compressed input. */
  readonly offset: number;
  /** True when complete gzip data was followed by bytes that are not a gzip member. */
  readonly trailingGarbage: boolean;
  /** Creates the error. */
  constructor(message: string, offset: number, trailingGarbage = false, options?: ErrorOptions) {
    super(message, options);
    this.name = "GzipError";
    this.offset = offset;
    this.trailingGarbage = trailingGarbage;
  }
}

/** Header flag bits (RFC 1952, section 2.3.1). */
const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const RESERVED = 0xe0;

/** zlib output chunk size. */
const OUTPUT_CHUNK_BYTES = 256 * 1024;

/** The compressed input as a queue of chunks that can be peeked, taken and pushed back. */
class ByteQueue {
  private chunks: Uint8Array[] = [];
  /** Bytes buffered. */
  length = 0;
  /** Input offset of the first buffered byte. */
  offset = 0;
  private done = false;

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  /** Reads until `n` bytes are buffered; false when the input ends first. */
  async fill(n: number): Promise<boolean> {
    while (this.length < n && !this.done) {
      const next = await this.source.next();
      if (next.done) this.done = true;
      else if (next.value.length > 0) {
        this.chunks.push(next.value);
        this.length += next.value.length;
      }
    }
    return this.length >= n;
  }

  /** Byte `i` of the buffer (call {@link fill} first). */
  at(i: number): number {
    for (const chunk of this.chunks) {
      if (i < chunk.length) return chunk[i];
      i -= chunk.length;
    }
    throw new RangeError("ByteQueue.at past the buffered bytes");
  }

  /** Drops `n` buffered bytes. */
  skip(n: number): void {
    this.length -= n;
    this.offset += n;
    while (n > 0) {
      const first = this.chunks[0];
      if (n < first.length) {
        this.chunks[0] = first.subarray(n);
        return;
      }
      n -= first.length;
      this.chunks.shift();
    }
  }

  /** The next chunk: a buffered one, else one read from the input; `undefined` at the end. */
  async take(): Promise<Uint8Array | undefined> {
    if (this.length === 0 && !(await this.fill(1))) return undefined;
    const chunk = this.chunks.shift()!;
    this.length -= chunk.length;
    this.offset += chunk.length;
    return chunk;
  }

  /** Puts bytes taken too early back at the front. */
  unshift(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.unshift(bytes);
    this.length += bytes.length;
    this.offset -= bytes.length;
  }

  /** Stops reading the input (closes the file behind it). */
  async close(): Promise<void> {
    if (!this.done) await this.source.return?.();
    this.done = true;
  }
}

/** Reads a little-endian uint32 at buffer index `i`. */
function uint32At(queue: ByteQueue, i: number): number {
  return (queue.at(i) | (queue.at(i + 1) << 8) | (queue.at(i + 2) << 16) |
    (queue.at(i + 3) << 24)) >>>
    0;
}

/** Skips one member header; throws when the bytes are not one. */
async function skipHeader(queue: ByteQueue, member: number): Promise<void> {
  const start = queue.offset;
  const truncated = () =>
    new GzipError(`broken gzip: the data ends inside the header of member ${member}`, start);
  if (!(await queue.fill(10))) throw truncated();
  if (queue.at(0) !== 0x1f || queue.at(1) !== 0x8b) {
    throw new GzipError(`broken gzip: no gzip header at byte ${start}`, start);
  }
  const flags = queue.at(3);
  if (queue.at(2) !== 8 || (flags & RESERVED) !== 0) {
    throw new GzipError(
      `broken gzip: member ${member} at byte ${start} has an unknown method or flags`,
      start,
    );
  }
  let n = 10;
  if (flags & FEXTRA) {
    if (!(await queue.fill(n + 2))) throw truncated();
    n += 2 + (queue.at(n) | (queue.at(n + 1) << 8));
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    // A zero-terminated string.
    do {
      if (!(await queue.fill(n + 1))) throw truncated();
    } while (queue.at(n++) !== 0);
  }
  if (flags & FHCRC) n += 2;
  if (!(await queue.fill(n))) throw truncated();
  queue.skip(n);
}

/** Inflates one member's deflate data, yielding its output; leaves the queue at its trailer. */
async function* inflateMember(
  queue: ByteQueue,
  member: number,
  memberStart: number,
): AsyncGenerator<Uint8Array, { crc: number; size: number }> {
  // Large output chunks: a FER2013 line is about 8 KB, and each chunk boundary inside a line costs
  // the CSV reader a copy.
  const inflater = zlib.createInflateRaw({ chunkSize: OUTPUT_CHUNK_BYTES });
  const dataStart = queue.offset;
  const output: Uint8Array[] = [];
  let failure: Error | undefined;
  let ended = false;
  let wake = () => {};
  inflater.on("data", (chunk: Uint8Array) => output.push(chunk));
  inflater.on("error", (error: Error) => {
    failure = error;
    wake();
  });
  inflater.on("end", () => {
    ended = true;
    wake();
  });
  const settled = () => new Promise<void>((resolve) => (wake = resolve));
  // Chunks given to zlib that may still hold bytes past the end of the deflate data.
  let written: Uint8Array[] = [];
  let writtenStart = 0; // offset (from dataStart) of written[0]
  let writtenBytes = 0;
  let inputEnded = false;
  let crc = 0;
  let size = 0;
  try {
    while (true) {
      while (output.length > 0) {
        const chunk = output.shift()!;
        crc = zlib.crc32(chunk, crc);
        size += chunk.length;
        yield chunk;
      }
      if (failure) {
        const reason = inputEnded ? "the data ends inside it" : failure.message;
        throw new GzipError(
          `broken gzip: member ${member} (from byte ${memberStart}): ${reason}`,
          dataStart + inflater.bytesWritten,
          false,
          { cause: failure },
        );
      }
      if (ended) break;
      // zlib leaves input unused only once the deflate data is complete: wait for its "end".
      if (inflater.bytesWritten < writtenBytes || inputEnded) {
        await settled();
        continue;
      }
      const chunk = await queue.take();
      if (!chunk) {
        inputEnded = true;
        const wait = settled();
        inflater.end();
        await wait;
        continue;
      }
      written.push(chunk);
      writtenBytes += chunk.length;
      const wait = settled();
      inflater.write(chunk, () => wake());
      await wait;
      while (written.length > 0 && writtenStart + written[0].length <= inflater.bytesWritten) {
        writtenStart += written[0].length;
        written = written.slice(1);
      }
    }
    // Give back what zlib did not use: the trailer and anything after it.
    let used = inflater.bytesWritten - writtenStart;
    const unused: Uint8Array[] = [];
    for (const chunk of written) {
      if (used < chunk.length) unused.push(chunk.subarray(used));
      used = Math.max(0, used - chunk.length);
    }
    for (let i = unused.length - 1; i >= 0; i--) queue.unshift(unused[i]);
    return { crc: crc >>> 0, size };
  } finally {
    inflater.destroy();
  }
}

/**
 * Decompresses gzip data, all members in order. Throws a {@link GzipError} naming the byte where
 * it stopped: a truncated or corrupt member, a CRC or length mismatch, or bytes after the last
 * member that are not another member ("trailing garbage after gzip data at byte N").
 *
 * @example
 * ```ts
 * const file = await Deno.open("fer2013.csv.gz");
 * for await (const bytes of gunzip(file.readable)) console.log(bytes.length);
 * ```
 */
export async function* gunzip(raw: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const queue = new ByteQueue(raw[Symbol.asyncIterator]());
  try {
    for (let member = 1;; member++) {
      const memberStart = queue.offset;
      if (member > 1) {
        if (!(await queue.fill(1))) return;
        if (!(await queue.fill(2)) || queue.at(0) !== 0x1f || queue.at(1) !== 0x8b) {
          throw new GzipError(
            `trailing garbage after gzip data at byte ${memberStart} (not a gzip member)`,
            memberStart,
            true,
          );
        }
      }
      await skipHeader(queue, member);
      const { crc, size } = yield* inflateMember(queue, member, memberStart);
      if (!(await queue.fill(8))) {
        throw new GzipError(
          `broken gzip: the data ends inside the trailer of member ${member}`,
          queue.offset,
        );
      }
      if (uint32At(queue, 0) !== crc || uint32At(queue, 4) !== (size >>> 0)) {
        throw new GzipError(
          `broken gzip: member ${member} (from byte ${memberStart}) fails its CRC or length check`,
          queue.offset,
        );
      }
      queue.skip(8);
    }
  } finally {
    await queue.close();
  }
}
