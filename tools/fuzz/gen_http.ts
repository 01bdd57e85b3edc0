/**
 * HTTP-level generators: headers that lie (content type, content length, multipart framing), bad
 * `POST /api/classify` bodies, malformed paths and wrong methods.
 *
 * @module
 */
import {
  type Expectation,
  type FuzzAssets,
  type FuzzCase,
  type Generator,
  multipartBody,
  predictCase,
} from "./cases.ts";
import { pick, randInt, randomBytes, type Rng } from "./random.ts";

const FACE_BYTES = 48 * 48;
const encoder = new TextEncoder();

/** Valid-looking face bytes (a gradient; the classifier scores any 2304 bytes). */
function faceBytes(count: number): Uint8Array {
  const out = new Uint8Array(count * FACE_BYTES);
  for (let i = 0; i < out.length; i++) out[i] = (i % FACE_BYTES) * 255 / FACE_BYTES + (i >> 11);
  return out;
}

/** Base64 of `bytes`. */
function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary);
}

/** Content types and content lengths that do not match the body. */
export const lyingHeaderGenerator: Generator = {
  name: "lying-header",
  weight: 2,
  make(rng: Rng, assets: FuzzAssets): FuzzCase {
    const g = "lying-header";
    const image = rng.next() < 0.5 ? assets.faceJpeg : assets.facePng;
    const name = image === assets.faceJpeg ? "face.jpg" : "face.png";
    const kind = randInt(rng, 0, 9);
    if (kind === 0) {
      const type = pick(rng, ["image/gif", "image/heic", "image/svg+xml", "image/avif"]);
      return predictCase(g, `${name} as ${type}`, image, "4xx", { contentType: type });
    }
    if (kind === 1) {
      const type = pick(rng, [
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
      ]);
      return predictCase(g, `${name} as ${type}`, image, "4xx", { contentType: type });
    }
    if (kind === 2) {
      // The signature decides the format, as browsers do: a mislabelled photo is still a photo.
      const type = image === assets.faceJpeg ? "image/png" : "image/jpeg";
      return predictCase(g, `${name} as ${type}`, image, "any", { contentType: type });
    }
    if (kind === 3) {
      const type = pick(rng, ["multipart/form-data", "multipart/form-data; boundary=nothere"]);
      return predictCase(g, `${name} as raw "${type}"`, image, "4xx", { contentType: type });
    }
    if (kind === 4) {
      const { body, contentType } = multipartBody(
        pick(rng, ["file", "img", ""]),
        image,
        "image/jpeg",
      );
      return predictCase(g, `multipart ${name} in the wrong field`, body, "4xx", { contentType });
    }
    if (kind === 5) {
      const { body, contentType } = multipartBody("image", image, "application/json");
      const cut = randInt(rng, 1, body.length - 1);
      const label = `multipart ${name} cut to ${cut}/${body.length} B`;
      return predictCase(g, label, body.slice(0, cut), "any", { contentType });
    }
    const base = predictCase(g, "", image, "any");
    if (kind === 6) {
      const declared = randInt(rng, 1, image.length - 1);
      const label = `${name} declaring content-length ${declared} of ${image.length}`;
      return { ...base, label, contentLength: declared, expect: "4xx" };
    }
    if (kind === 7) {
      const declared = image.length + randInt(rng, 1, 100000);
      const label = `${name} declaring content-length ${declared} of ${image.length}`;
      return { ...base, label, contentLength: declared };
    }
    if (kind === 8) {
      const declared = pick(rng, [10 * 1024 * 1024 + 1, 2 ** 40, Number.MAX_SAFE_INTEGER]);
      const label = `${name} declaring content-length ${declared}`;
      return { ...base, label, contentLength: declared, expect: "4xx" };
    }
    const declared = pick(rng, ["-1", "abc", "1, 2", "0x10", " 12"]);
    return {
      ...base,
      label: `${name} declaring content-length "${declared}"`,
      contentLength: declared,
    };
  },
};

/** A `POST /api/classify` of `body` with `contentType`. */
function classifyCase(
  label: string,
  body: Uint8Array | string,
  contentType: string,
  expect: Expectation = "4xx",
  query = "",
): FuzzCase {
  return {
    generator: "classify-body",
    label,
    method: "POST",
    path: `/api/classify${query}`,
    headers: { "content-type": contentType },
    body: typeof body === "string" ? encoder.encode(body) : body,
    expect,
  };
}

/** Bad `POST /api/classify` bodies: binary lengths, broken JSON, wrong face values and counts. */
export const classifyBodyGenerator: Generator = {
  name: "classify-body",
  weight: 3,
  make(rng: Rng): FuzzCase {
    const bin = "application/octet-stream";
    const json = "application/json";
    const kind = randInt(rng, 0, 7);
    if (kind === 0) {
      const length = pick(rng, [
        1,
        FACE_BYTES - 1,
        FACE_BYTES + 1,
        3 * FACE_BYTES + randInt(rng, 1, 2303),
      ]);
      return classifyCase(`binary body of ${length} B`, randomBytes(rng, length), bin);
    }
    if (kind === 1) return classifyCase("binary batch of 65 faces", faceBytes(65), bin);
    if (kind === 2) {
      const text = pick(rng, ["", "not json", "{", "null", "[]", "0", '"faces"', '{"faces":']);
      return classifyCase(`JSON body ${JSON.stringify(text)}`, text, json);
    }
    if (kind === 3) {
      const faces = pick<unknown>(rng, [null, "abc", {}, { length: 3 }, [], 7]);
      return classifyCase(`JSON faces ${JSON.stringify(faces)}`, JSON.stringify({ faces }), json);
    }
    if (kind === 4) {
      const face = pick<unknown>(rng, [
        "",
        "!!!not base64!!!",
        base64(faceBytes(1).subarray(1)),
        [1, 2, 3],
        new Array(FACE_BYTES).fill(256),
        new Array(FACE_BYTES).fill(-1),
        new Array(FACE_BYTES).fill(1.5),
        new Array(FACE_BYTES).fill("7"),
        null,
        { 0: 1 },
      ]);
      const text = JSON.stringify({ faces: [face] });
      return classifyCase(`JSON face ${text.slice(0, 40)}...`, text, json);
    }
    if (kind === 5) {
      const depth = randInt(rng, 1000, 100000);
      const text = `{"faces":${"[".repeat(depth)}${"]".repeat(depth)}}`;
      return classifyCase(`JSON faces nested ${depth} deep`, text, json);
    }
    if (kind === 6) {
      const faces = Array.from({ length: 65 }, () => base64(faceBytes(1)));
      return classifyCase("JSON batch of 65 faces", JSON.stringify({ faces }), json);
    }
    const type = pick(rng, ["text/plain", "image/png", "multipart/form-data"]);
    const query = rng.next() < 0.5
      ? "?tta=" + pick(rng, ["bogus", "FLIP", "%zz", "flip,flip"])
      : "";
    return classifyCase(`binary face as ${type}${query}`, faceBytes(1), type, "4xx", query);
  },
};

/** Paths with malformed percent-encodings, traversal attempts and odd lengths. */
export const MALFORMED_PATHS: [string, Expectation][] = [
  ["/%zz", "4xx"],
  ["/%", "4xx"],
  ["/js/%", "4xx"],
  ["/vendor/%", "4xx"],
  ["/classifier/%", "4xx"],
  ["/%ff", "4xx"],
  ["/%c0%af", "4xx"],
  ["/%E2%82", "4xx"],
  ["/vendor/%2e%2e/%2e%2e/deno.json", "4xx"],
  ["/classifier/..%2f..%2fdeno.json", "4xx"],
  ["/classifier/%2e%2e%5cdeno.json", "4xx"],
  ["/api/%zz", "4xx"],
  ["/a%00b", "4xx"],
  ["//etc/passwd", "4xx"],
  ["/index.html%", "4xx"],
  ["/" + "a".repeat(8000), "4xx"],
  ["/?%zz=1", "any"],
  ["/healthz?%zz", "any"],
  ["/api/model?x=%", "any"],
];

/** `GET` (mostly) on a malformed path. */
export const malformedPathGenerator: Generator = {
  name: "malformed-path",
  weight: 1.5,
  make(rng: Rng): FuzzCase {
    const [path, expect] = pick(rng, MALFORMED_PATHS);
    const method = rng.next() < 0.8 ? "GET" : "POST";
    return {
      generator: "malformed-path",
      label: `${method} ${path.slice(0, 40)}`,
      method,
      path,
      headers: {},
      expect,
    };
  },
};

/** Methods a route does not support, and a malformed query on the upload route. */
export const WRONG_METHODS: [string, string, Expectation][] = [
  ["PUT", "/api/predict", "4xx"],
  ["DELETE", "/api/predict", "4xx"],
  ["PATCH", "/api/classify", "4xx"],
  ["GET", "/api/predict", "4xx"],
  ["GET", "/api/classify", "4xx"],
  ["BREW", "/api/predict", "4xx"],
  ["POST", "/healthz", "4xx"],
  ["POST", "/api/model", "4xx"],
  ["DELETE", "/", "4xx"],
  ["HEAD", "/api/predict", "4xx"],
  ["OPTIONS", "/api/predict", "any"],
  ["POST", "/api/predict?detect=%zz", "4xx"],
  ["POST", "/api/predict?detect=maybe", "4xx"],
  ["POST", "/api/predict?tta=%", "4xx"],
];

/** A request with a method the route does not take (bodies on non-GET methods). */
export const wrongMethodGenerator: Generator = {
  name: "wrong-method",
  weight: 1.5,
  make(rng: Rng, assets: FuzzAssets): FuzzCase {
    const [method, path, expect] = pick(rng, WRONG_METHODS);
    const body = method === "GET" || method === "HEAD" ? undefined : assets.faceJpeg;
    const headers: Record<string, string> = body ? { "content-type": "image/jpeg" } : {};
    return {
      generator: "wrong-method",
      label: `${method} ${path}`,
      method,
      path,
      headers,
      body,
      expect,
    };
  },
};

/** The HTTP-level generators. */
export const HTTP_GENERATORS: Generator[] = [
  lyingHeaderGenerator,
  classifyBodyGenerator,
  malformedPathGenerator,
  wrongMethodGenerator,
];
