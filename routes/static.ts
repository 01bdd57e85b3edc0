/**
 * Serves the browser camera page: the files under `static/`, the runtime files the page needs straight
 * from the installed npm packages (tasks-vision's wasm, tfjs and its wasm backend for the in-browser
 * mode, Swagger UI for `/docs`) and the classifier model files (the server's `MODEL_DIR`). Nothing
 * comes from a CDN, so the page works on a machine with no internet.
 *
 * Hono's `serveStatic` for Deno opens, types and streams the files; this module decides which files
 * are reachable at all: plain relative paths only (no `.`/`..` or dot-files, no backslashes or odd
 * characters), and under `/vendor/` only an explicit list.
 *
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { serveStatic } from "hono/deno";
import { basename, dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { errorResponse } from "../src/server/errors.ts";
import { DEFAULT_MODEL_DIR } from "../src/server/config.ts";
import { describeStaticRoutes } from "./static_docs.ts";

/** Directory of the page's own files. */
export const STATIC_DIR: URL = new URL("../static/", import.meta.url);

/** Cache policy of the vendored runtime files, which change only with a package upgrade. */
const VENDOR_CACHE = "public, max-age=86400";

/** Cache policy of the page and the model: revalidate every time, so a deploy shows at once. */
const REVALIDATE = "no-cache";

/**
 * The folder of the classifier model the in-browser mode loads (`model.json` + weight shards): the
 * server's own model, i.e. `modelDir` (`MODEL_DIR`, relative to the working directory as the server
 * reads it), else `models/default/`.
 */
export function classifierDir(modelDir: string | URL = DEFAULT_MODEL_DIR): URL {
  if (modelDir instanceof URL) {
    return modelDir.href.endsWith("/") ? modelDir : new URL(`${modelDir.href}/`);
  }
  if (!modelDir.trim()) return DEFAULT_MODEL_DIR;
  const dir = resolve(modelDir.trim());
  return pathToFileURL(dir.endsWith("/") ? dir : `${dir}/`);
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
  const swaggerUi = packageDir("swagger-ui-dist");
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
  // The API reference page (`/docs`): the bundle and its stylesheet, nothing else of the package.
  for (const name of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
    files.set(`swagger-ui/${name}`, new URL(name, swaggerUi));
  }
  return files;
}

/**
 * Whether `relative` is a plain relative path that may be served: non-empty segments of letters,
 * digits, `_`, `.` and `-` that do not start with a dot, so a request can never leave its folder or
 * reach a dot-file.
 */
export function isServablePath(relative: string): boolean {
  if (relative === "" || relative.length > 200) return false;
  return relative.split("/").every((segment) => /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(segment));
}

/** The JSON 404 of a file that is not served. */
function notFound(c: Context): Response {
  return errorResponse(c, 404, "not_found", `no file at ${c.req.path}`);
}

/** The JSON 400 of a path whose percent-encoding does not decode. */
function badPath(c: Context): Response {
  return errorResponse(c, 400, "bad_path", "the URL path is malformed (invalid percent-encoding)");
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

/**
 * `serveStatic` with the cache policy and the file's `Content-Length` (which it leaves out for a
 * streamed file; HEAD answers give it too). `options.file` serves one file; otherwise the request
 * path after `strip` is looked up under `root`.
 */
function serveFiles(
  options: { root: URL; strip: string } | { file: URL },
  cacheControl: string,
): MiddlewareHandler {
  const located = "file" in options
    ? { root: dirname(fileURLToPath(options.file)), path: basename(fileURLToPath(options.file)) }
    : {
      root: fileURLToPath(options.root),
      rewriteRequestPath: (path: string) => path.slice(options.strip.length),
    };
  const serve = serveStatic({
    ...located,
    onFound: async (path, c) => {
      c.header("cache-control", cacheControl);
      c.header("content-length", String((await Deno.stat(path)).size));
    },
  });
  return async (c, next) => {
    const response = await serve(c, next);
    // Hono answers HEAD with the GET handler's headers and drops the body, but an unread file
    // stream would keep its file open: close it here.
    if (response && c.req.method === "HEAD") await response.body?.cancel();
    return response;
  };
}

/** Runs `serve` and answers a JSON 404 when it finds no file. */
async function fileOr404(serve: MiddlewareHandler, c: Context): Promise<Response> {
  return (await serve(c, () => Promise.resolve())) ?? notFound(c);
}

/**
 * The camera page's routes, to be mounted at the root of the app (`app.route("/", routes)`): `/`
 * and `/<file>` from `static/`, `/vendor/<file>` from the npm packages, `/classifier/<file>` from
 * `classifier` (default {@link classifierDir}; a model set's members are its subfolders, so
 * `/classifier/<member>/model.json` serves them too), `/docs` (the API reference page).
 */
export function createStaticRoutes(classifier: URL = classifierDir()) {
  const vendor = new Map(
    [...vendorFiles()].map(([path, file]) => [path, serveFiles({ file }, VENDOR_CACHE)]),
  );
  const model = serveFiles({ root: classifier, strip: "/classifier" }, REVALIDATE);
  const page = serveFiles({ root: STATIC_DIR, strip: "" }, REVALIDATE);
  const index = serveFiles({ file: new URL("index.html", STATIC_DIR) }, REVALIDATE);
  const docs = serveFiles({ file: new URL("docs/index.html", STATIC_DIR) }, REVALIDATE);
  const routes = new OpenAPIHono();
  describeStaticRoutes(routes.openAPIRegistry);
  routes
    .get("/vendor/*", (c) => {
      const path = pathAfter(c, "/vendor/");
      if (path === undefined) return badPath(c);
      const serve = vendor.get(path);
      return serve ? fileOr404(serve, c) : notFound(c);
    })
    .get("/classifier/*", (c) => {
      const path = pathAfter(c, "/classifier/");
      if (path === undefined) return badPath(c);
      return isServablePath(path) ? fileOr404(model, c) : notFound(c);
    })
    .get("/docs", (c) => fileOr404(docs, c))
    .get("/", (c) => fileOr404(index, c))
    // Falls through on a miss so that routes mounted after this app (e.g. `/api/*`) still answer.
    .get("/*", async (c, next) => {
      const path = pathAfter(c, "/");
      if (path === undefined) return badPath(c);
      if (!isServablePath(path)) return await next();
      return await page(c, next);
    });
  return routes;
}

/** {@link createStaticRoutes} for the shipped model folder. */
export const staticRoutes: ReturnType<typeof createStaticRoutes> = createStaticRoutes();
