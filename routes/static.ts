/**
 * Serves the browser camera page: the files under `static/`, the runtime files the page needs straight
 * from the installed npm packages (tasks-vision's wasm, tfjs and its wasm backend for the in-browser
 * mode) and the classifier model files (`models/default/` or `MODEL_DIR`). Nothing comes from a
 * CDN, so the page works on a machine with no internet.
 *
 * @module
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { errorResponse } from "../src/server/errors.ts";

/** Content types by file extension, for everything the page serves. */
const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  ico: "image/x-icon",
  wasm: "application/wasm",
  tflite: "application/octet-stream",
  bin: "application/octet-stream",
  txt: "text/plain; charset=utf-8",
};

/** Directory of the page's own files. */
export const STATIC_DIR: URL = new URL("../static/", import.meta.url);

/**
 * Directory of the classifier model the in-browser mode loads (`model.json` + weight shards): the
 * server's own model, i.e. `MODEL_DIR` when set (relative to the working directory, as the server
 * reads it), else `models/default/`.
 */
export function classifierDir(modelDir: string | undefined = readModelDirEnv()): URL {
  if (!modelDir?.trim()) return new URL("../models/default/", import.meta.url);
  const dir = resolve(modelDir.trim());
  return pathToFileURL(dir.endsWith("/") ? dir : `${dir}/`);
}

/** `MODEL_DIR`, or `undefined` when unset or when env access is not granted. */
function readModelDirEnv(): string | undefined {
  try {
    return Deno.env.get("MODEL_DIR");
  } catch {
    return undefined;
  }
}

/**
 * Directory holding the file that a bare package specifier resolves to. The files are read from
 * disk, so the package must be installed in `node_modules` (`"nodeModulesDir": "auto"`).
 */
function packageDir(specifier: string): URL {
  const resolved = import.meta.resolve(specifier);
  if (!resolved.startsWith("file:")) {
    throw new Error(`${specifier} resolved to ${resolved}, not a file: install it in node_modules`);
  }
  return new URL("./", resolved);
}

/**
 * The vendored runtime files, by the URL path the page asks for. An explicit list (not a directory
 * listing) so that nothing else in `node_modules` is reachable over HTTP.
 */
export function vendorFiles(): Map<string, URL> {
  const tasksVision = packageDir("@mediapipe/tasks-vision");
  const tfjs = packageDir("@tensorflow/tfjs");
  const tfjsWasm = packageDir("@tensorflow/tfjs-backend-wasm");
  const files = new Map<string, URL>();
  files.set("tasks-vision/vision_bundle.mjs", new URL("vision_bundle.mjs", tasksVision));
  for (const name of ["vision_wasm_internal", "vision_wasm_nosimd_internal"]) {
    for (const ext of ["js", "wasm"]) {
      files.set(`tasks-vision/${name}.${ext}`, new URL(`wasm/${name}.${ext}`, tasksVision));
    }
  }
  // ES2017 builds: the ES5 ones need `eval` (for their regenerator runtime), which the page's CSP
  // refuses.
  files.set("tfjs/tf.es2017.min.js", new URL("tf.es2017.min.js", tfjs));
  files.set(
    "tfjs-backend-wasm/tf-backend-wasm.es2017.min.js",
    new URL("tf-backend-wasm.es2017.min.js", tfjsWasm),
  );
  for (
    const name of ["tfjs-backend-wasm", "tfjs-backend-wasm-simd", "tfjs-backend-wasm-threaded-simd"]
  ) {
    files.set(`tfjs-backend-wasm/${name}.wasm`, new URL(`${name}.wasm`, tfjsWasm));
  }
  return files;
}

/** Content type for a file name, by extension; `application/octet-stream` when unknown. */
export function contentTypeFor(name: string): string {
  const ext = name.slice(name.lastIndexOf(".") + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? "application/octet-stream";
}

/**
 * Resolves a request path inside `root`, or returns `undefined` when it is not a plain relative path
 * (empty segments, `.`/`..`, backslashes, encoded separators or odd characters), so a request can never
 * leave the directory.
 */
export function safeFileUrl(root: URL, relative: string): URL | undefined {
  if (relative === "" || relative.length > 200) return undefined;
  const segments = relative.split("/");
  const plain = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
  if (!segments.every((s) => plain.test(s) && s !== "." && s !== "..")) return undefined;
  const url = new URL(relative, root);
  return url.href.startsWith(root.href) ? url : undefined;
}

/** The JSON 404 of a file that is not served. */
function notFound(c: Context): Response {
  return errorResponse(c, 404, "not_found", `no file at ${c.req.path}`);
}

/** The JSON 400 of a path whose percent-encoding does not decode. */
function badPath(c: Context): Response {
  return errorResponse(c, 400, "bad_path", "the URL path is malformed (invalid percent-encoding)");
}

/** Streams a file with its content type, or answers 404 when it does not exist. */
async function sendFile(c: Context, file: URL, cacheControl: string): Promise<Response> {
  let handle: Deno.FsFile;
  try {
    handle = await Deno.open(file, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.IsADirectory) {
      return notFound(c);
    }
    throw error;
  }
  const info = await handle.stat();
  if (!info.isFile) {
    handle.close();
    return notFound(c);
  }
  const headers = {
    "content-type": contentTypeFor(file.pathname),
    "content-length": String(info.size),
    "cache-control": cacheControl,
    "x-content-type-options": "nosniff",
  };
  if (c.req.method === "HEAD") {
    handle.close();
    return new Response(null, { headers });
  }
  return new Response(handle.readable, { headers });
}

/** Whether `file` exists and is a regular file. */
async function isFile(file: URL): Promise<boolean> {
  try {
    return (await Deno.stat(file)).isFile;
  } catch {
    return false;
  }
}

/**
 * Path of the request after the route's prefix (e.g. `/vendor/`), decoded, without its query
 * string; `undefined` when its percent-encoding is malformed (`/%`, `/%zz`, bytes not UTF-8).
 */
function pathAfter(c: Context, prefix: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(new URL(c.req.url).pathname);
  } catch {
    return undefined;
  }
  return path.slice(path.indexOf(prefix) + prefix.length);
}

const VENDOR_FILES = vendorFiles();

/**
 * The camera page's routes, to be mounted at the root of the app (`app.route("/", staticRoutes)`):
 * `/` and `/<file>` from `static/`, `/vendor/<file>` from the npm packages, `/classifier/<file>`
 * from `classifier` (default {@link classifierDir}; a model set's members are its subfolders, so
 * `/classifier/<member>/model.json` serves them too).
 */
export function createStaticRoutes(classifier: URL = classifierDir()): Hono {
  return new Hono()
    .get("/vendor/*", (c) => {
      const path = pathAfter(c, "/vendor/");
      if (path === undefined) return badPath(c);
      const file = VENDOR_FILES.get(path);
      if (!file) return notFound(c);
      return sendFile(c, file, "public, max-age=86400");
    })
    .get("/classifier/*", (c) => {
      const path = pathAfter(c, "/classifier/");
      if (path === undefined) return badPath(c);
      const file = safeFileUrl(classifier, path);
      if (!file) return notFound(c);
      return sendFile(c, file, "no-cache");
    })
    .get("/", (c) => sendFile(c, new URL("index.html", STATIC_DIR), "no-cache"))
    // Falls through on a miss so that routes mounted after this app (e.g. `/api/*`) still answer.
    .get("/*", async (c, next) => {
      const path = pathAfter(c, "/");
      if (path === undefined) return badPath(c);
      const file = safeFileUrl(STATIC_DIR, path);
      if (!file || !(await isFile(file))) return await next();
      return sendFile(c, file, "no-cache");
    });
}

/** {@link createStaticRoutes} for the server's own model folder. */
export const staticRoutes: Hono = createStaticRoutes();
