/**
 * The OpenAPI description of the file routes of `static.ts` (the page, its modules, the vendored
 * runtime files, the model files and the reference page). They are plain Hono routes, since their
 * wildcards span several path segments, which OpenAPI's templates cannot; `{path}` stands for the
 * rest of the path, slashes included.
 *
 * @module
 */
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { errorResponses } from "./error_responses.ts";

/** The `{path}` parameter: the rest of the URL path, which may hold slashes. */
const RestOfPath = z.object({
  path: z.string().openapi({
    description: "The file's path below the prefix; it may hold slashes. Only plain names are " +
      "served: letters, digits, `_`, `.` and `-`, no segment starting with a dot.",
    example: "js/app.js",
  }),
});

const CACHE_CONTROL = {
  "cache-control": {
    description: "`no-cache` for the page and the model, a day for the vendored files",
    schema: { type: "string" as const },
  },
};

/** A 200 answer with a file of one of `types`. */
function file(description: string, ...types: string[]) {
  return {
    description,
    headers: CACHE_CONTROL,
    content: Object.fromEntries(
      types.map((type) => [type, { schema: { type: "string" as const } }]),
    ),
  };
}

/** Registers the file routes' descriptions in `registry` (the static routes' own). */
export function describeStaticRoutes(registry: OpenAPIHono["openAPIRegistry"]): void {
  registry.registerPath({
    method: "get",
    path: "/",
    tags: ["page"],
    summary: "The camera page",
    responses: { 200: file("`static/index.html`", "text/html"), ...errorResponses() },
  });
  registry.registerPath({
    method: "get",
    path: "/docs",
    tags: ["page"],
    summary: "This API's reference page (Swagger UI, served from the npm package)",
    responses: { 200: file("`static/docs/index.html`", "text/html"), ...errorResponses() },
  });
  registry.registerPath({
    method: "get",
    path: "/vendor/{path}",
    tags: ["page"],
    summary: "A runtime file of the page, from an npm package in node_modules",
    description: "Only a fixed list: MediaPipe tasks-vision's bundle and wasm, tfjs and its " +
      "wasm backend, Swagger UI's bundle and stylesheet. Anything else is 404.",
    request: { params: RestOfPath },
    responses: {
      200: file("The file", "text/javascript", "application/wasm", "text/css"),
      ...errorResponses("not_found"),
    },
  });
  registry.registerPath({
    method: "get",
    path: "/classifier/{path}",
    tags: ["page"],
    summary: "A file of the served model (MODEL_DIR), for the page's in-browser mode",
    description: "`model.json`, `fer-model.json` and the weights; a model set's members are its " +
      "subfolders (`<member>/model.json`).",
    request: { params: RestOfPath },
    responses: {
      200: file("The file", "application/json", "application/octet-stream"),
      ...errorResponses("not_found"),
    },
  });
  registry.registerPath({
    method: "get",
    path: "/{path}",
    tags: ["page"],
    summary: "A file of the page under static/ (its modules, stylesheet, detector models)",
    request: { params: RestOfPath },
    responses: {
      200: file("The file", "text/javascript", "text/css", "application/octet-stream"),
      ...errorResponses("not_found"),
    },
  });
}
