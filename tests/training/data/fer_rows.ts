/**
 * Helpers that generate FER2013 CSV text and streams for the data tests.
 *
 * @module
 */

/** Space-separated pixels of a 48 x 48 image whose pixel `i` is `value(i)`. */
export function pixelText(value: (i: number) => number = (i) => i % 256, count = 2304): string {
  return Array.from({ length: count }, (_, i) => value(i)).join(" ");
}

/** One CSV line `emotion,pixels,usage` (no line end). */
export function ferLine(emotion: number | string, usage: string, pixels = pixelText()): string {
  return `${emotion},${pixels},${usage}`;
}

/** The three FER2013 splits, which {@link ferFileLines} takes in turn. */
export const USAGES = ["Training", "PublicTest", "PrivateTest"] as const;

/**
 * The lines of a generated FER2013 file: the header, then `rows` valid rows (emotion `i % 7`, split
 * `USAGES[i % 3]`, pixels shifted by `i`). Index `n - 1` is physical line `n` of the file.
 */
export function ferFileLines(rows: number): string[] {
  const lines = ["emotion,pixels,Usage"];
  for (let i = 0; i < rows; i++) {
    lines.push(ferLine(i % 7, USAGES[i % 3], pixelText((p) => (p + i) % 256)));
  }
  return lines;
}

/** A byte stream of `text`, cut into chunks of `chunkSize` bytes to exercise chunk boundaries. */
export function streamOf(text: string | Uint8Array, chunkSize = 65536): ReadableStream<Uint8Array> {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

/** Gzips `text` in memory. */
export async function gzipOf(text: string): Promise<Uint8Array> {
  const stream = streamOf(text).pipeThrough(
    new CompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Collects an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
