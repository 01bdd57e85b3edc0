/**
 * Opening a FER2013 CSV as a byte stream: plain or gzip (detected by its magic bytes, decompressed
 * while streaming by {@link gunzip}, every member of a multi-member file), with a clear one-line
 * error when the file is missing.
 *
 * @module
 */
import { gunzip } from "./gunzip.ts";

/** Where to get the data, appended to "file not found" errors. */
export const FER2013_HINT =
  "get FER2013 from Kaggle (https://www.kaggle.com/c/challenges-in-representation-learning-facial-expression-recognition-challenge/data): " +
  "fer2013.csv (or .csv.gz) with header emotion,pixels,Usage and 2304 space-separated 0..255 pixels per row";

/** A byte stream plus what is known about its origin. */
export interface OpenedSource {
  /** Decompressed CSV bytes. */
  stream: ReadableStream<Uint8Array>;
  /** Whether the input was gzip. */
  gzip: boolean;
  /** Size of the file on disk (compressed), or `undefined` for a stream input. */
  bytes?: number;
}

/** Observers of the raw (still compressed) bytes as they are read, e.g. for progress and hashing. */
export interface RawByteObserver {
  (chunk: Uint8Array): void;
}

function observe(
  stream: ReadableStream<Uint8Array>,
  onRaw?: RawByteObserver,
): ReadableStream<Uint8Array> {
  if (!onRaw) return stream;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        onRaw(chunk);
        controller.enqueue(chunk);
      },
    }),
  );
}

function gunzipped(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return ReadableStream.from(gunzip(stream));
}

async function startsWithGzipMagic(path: string): Promise<boolean> {
  using file = await Deno.open(path);
  const head = new Uint8Array(2);
  let got = 0;
  while (got < 2) {
    const n = await file.read(head.subarray(got));
    if (n === null) break;
    got += n;
  }
  return got === 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Opens a FER2013 CSV file (`.csv` or gzip) for streaming. Throws a one-line error naming the path
 * and where to get FER2013 when it does not exist. `onRaw` sees every raw byte chunk read.
 */
export async function openFerSource(path: string, onRaw?: RawByteObserver): Promise<OpenedSource> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`FER2013 CSV not found at ${path}: ${FER2013_HINT}`);
    }
    throw error;
  }
  if (!info.isFile) throw new Error(`${path} is not a file: ${FER2013_HINT}`);
  const gzip = await startsWithGzipMagic(path);
  const file = await Deno.open(path);
  const raw = observe(file.readable, onRaw);
  const stream = gzip ? gunzipped(raw) : raw;
  return { stream, gzip, bytes: info.size };
}

/** Wraps an in-memory byte stream (tests, other tools) the same way, sniffing gzip from the first bytes. */
export async function openFerStream(
  input: ReadableStream<Uint8Array>,
): Promise<OpenedSource> {
  const reader = input.getReader();
  const first = await reader.read();
  const head = first.done ? new Uint8Array(0) : first.value;
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const rest = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head.length > 0) controller.enqueue(head);
    },
    async pull(controller) {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { stream: gzip ? gunzipped(rest) : rest, gzip };
}
