/**
 * What the fuzzer sends: one {@link FuzzCase} is one HTTP request plus what a correct server may
 * answer. Generators build cases from a seeded generator and the shared {@link FuzzAssets}.
 *
 * @module
 */
import type { Rng } from "./random.ts";

/** What a correct server may answer a case with. */
export type Expectation =
  /** The input is broken or refused by design: only a 4xx is right (a 200 is "accepted bad"). */
  | "4xx"
  /** The input may be usable (e.g. a bit flip in pixel data): anything below 500 is right. */
  | "any";

/** One request of a fuzz run. */
export interface FuzzCase {
  /** The generator that made it. */
  generator: string;
  /** What it is, short and specific, e.g. `thin png 20x1000`. */
  label: string;
  method: string;
  /** Path and query, sent as is (malformed escapes included). */
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  /**
   * A `Content-Length` that differs from the body's length (a lying header), or is not a number.
   * Over HTTP it is sent on a raw socket; in process the body is cut to it when shorter, as a
   * server would read it.
   */
  contentLength?: number | string;
  expect: Expectation;
}

/** `GET /healthz`, sent between cases and under load to see that the server still answers. */
export const HEALTH_CASE: FuzzCase = {
  generator: "health",
  label: "GET /healthz",
  method: "GET",
  path: "/healthz",
  headers: {},
  expect: "any",
};

/** Inputs shared by all generators: the face photo and a cache for costly derived images. */
export interface FuzzAssets {
  /** A 640x480 JPEG with one face (tests/e2e/fixtures/face.jpg). */
  faceJpeg: Uint8Array;
  /** The same photo as an RGB PNG. */
  facePng: Uint8Array;
  /** Bytes for `key`, built by `make` on first use and kept for the rest of the run. */
  cached(key: string, make: () => Uint8Array): Uint8Array;
}

/** A family of cases, e.g. "bit flips". */
export interface Generator {
  name: string;
  /** Relative frequency in a random run. */
  weight: number;
  /** One case from `rng`. */
  make(rng: Rng, assets: FuzzAssets): FuzzCase;
}

/** Builds {@link FuzzAssets} around the two face images. */
export function makeAssets(faceJpeg: Uint8Array, facePng: Uint8Array): FuzzAssets {
  const cache = new Map<string, Uint8Array>();
  return {
    faceJpeg,
    facePng,
    cached(key, make) {
      let bytes = cache.get(key);
      if (!bytes) cache.set(key, bytes = make());
      return bytes;
    },
  };
}

/** A raw-body `POST /api/predict` of `body` (query e.g. `?detect=false`). */
export function predictCase(
  generator: string,
  label: string,
  body: Uint8Array,
  expect: Expectation,
  options: { query?: string; contentType?: string } = {},
): FuzzCase {
  return {
    generator,
    label,
    method: "POST",
    path: `/api/predict${options.query ?? ""}`,
    headers: { "content-type": options.contentType ?? "application/octet-stream" },
    body,
    expect,
  };
}

/** A `multipart/form-data` body with one file field (name, file name and type as given). */
export function multipartBody(
  field: string,
  file: Uint8Array,
  fileType: string,
  boundary = "fuzzboundary7MA4YWxkTrZu0gW",
): { body: Uint8Array; contentType: string } {
  const encoder = new TextEncoder();
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="x"\r\n` +
      `Content-Type: ${fileType}\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const body = new Uint8Array(head.length + file.length + tail.length);
  body.set(head);
  body.set(file, head.length);
  body.set(tail, head.length + file.length);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
