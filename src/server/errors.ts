/**
 * Error responses: every refusal is a JSON body `{ error, code }` with a 4xx status (or 503 when the
 * server is busy or unhealthy); anything unexpected is logged and answered with a generic 500 so
 * internals never leak to clients.
 *
 * @module
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { type ImageInputCode, ImageInputError } from "../image/errors.ts";

/** What one error code means and the status it is answered with. */
export interface ErrorCodeInfo {
  /** The HTTP status every answer with this code has. */
  status: 400 | 404 | 405 | 413 | 415 | 422 | 500 | 503;
  /** When the server answers with it, for the API description. */
  description: string;
}

/**
 * Every machine-readable code an error answer can carry, with its status and meaning: the one list
 * the OpenAPI document (`GET /openapi.json`) describes and its test checks. {@link ApiError} and
 * {@link errorResponse} take only these codes, so a new code cannot be answered before it is here.
 */
export const ERROR_CODES = {
  bad_path: {
    status: 400,
    description: "the URL path is malformed: invalid percent-encoding or control characters",
  },
  bad_request: { status: 400, description: "a request that Hono itself refused as malformed" },
  bad_query: {
    status: 400,
    description: "a query parameter has a value the route does not take, or is given twice",
  },
  bad_multipart: { status: 400, description: "the multipart/form-data body cannot be parsed" },
  missing_image: { status: 400, description: 'the form has no file field "image"' },
  empty_image: { status: 400, description: "the image file holds no bytes" },
  empty_body: { status: 400, description: "the request body is empty" },
  unreadable_body: {
    status: 400,
    description: "the body ended early or did not match its Content-Length",
  },
  bad_json: { status: 400, description: 'the body is not JSON of the form { "faces": [...] }' },
  bad_face: {
    status: 400,
    description: "a JSON face is neither base64 nor an array of integers 0..255",
  },
  bad_face_size: { status: 400, description: "a JSON face does not have 2304 bytes (48x48 gray)" },
  bad_batch_size: {
    status: 400,
    description: "the batch has no faces, or a binary body is not a whole number of faces",
  },
  not_found: { status: 404, description: "no route or file at this path" },
  method_not_allowed: {
    status: 405,
    description: "the path is served, but not with this method; the Allow header lists those",
  },
  body_too_large: {
    status: 413,
    description: "the body is over MAX_BODY_BYTES (10 MiB by default), chunked bodies included",
  },
  image_too_large: {
    status: 413,
    description: "the image header declares more pixels than MAX_PIXELS (4096x4096 by default)",
  },
  too_many_faces: {
    status: 413,
    description: "more faces than MAX_CLASSIFY_FACES (64 by default) in one request",
  },
  unsupported_media_type: {
    status: 415,
    description: "the Content-Type cannot carry what the route reads",
  },
  unsupported_format: {
    status: 415,
    description: "the bytes, or the declared image type, are not JPEG, PNG or WebP",
  },
  invalid_dimensions: { status: 422, description: "the image header declares an empty size" },
  extreme_aspect_ratio: {
    status: 422,
    description: "the image is far wider than high or the reverse (over the decoder's ratio)",
  },
  undecodable_image: {
    status: 422,
    description: "the image is corrupt, cut short, or uses a feature the decoder does not read",
  },
  internal_error: {
    status: 500,
    description: "anything unexpected: it is logged, and the answer says no more",
  },
  overloaded: {
    status: 503,
    description: "MAX_QUEUE heavy requests wait already; retry after Retry-After seconds",
  },
  queue_timeout: {
    status: 503,
    description: "the request waited REQUEST_BUDGET_MS for an inference slot; retry later",
  },
  cancelled: { status: 503, description: "the client went away before the work started" },
  unavailable: {
    status: 503,
    description: "the inference backend failed its self-check; the server is restarting",
  },
  unhealthy: {
    status: 503,
    description: "the canary inference failed twice: the instance should be replaced",
  },
} as const satisfies Record<string, ErrorCodeInfo> & Record<ImageInputCode, ErrorCodeInfo>;

/** A machine-readable error code: a key of {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** A client error raised by a route: HTTP status plus a machine-readable code. */
export class ApiError extends Error {
  /** HTTP status to answer with. */
  status: number;
  /** Machine-readable reason, stable across message wording changes. */
  code: ErrorCode;
  /** Extra response headers, e.g. `Retry-After` on a 503 or `Allow` on a 405. */
  headers: Record<string, string>;

  /**
   * Creates the error; `message` should tell the caller what to change.
   *
   * @example
   * ```ts
   * throw new ApiError(503, "overloaded", "the server is busy", { "retry-after": "2" });
   * ```
   */
  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** Whether `error` is a refusal of the client's input or a busy/unhealthy answer, not a bug. */
export function isExpectedError(error: unknown): boolean {
  return error instanceof ApiError || error instanceof ImageInputError ||
    (error instanceof HTTPException && error.status < 500);
}

/** The JSON body of every error response. */
export interface ErrorBody {
  /** What went wrong, for people. */
  error: string;
  /** What went wrong, for programs. */
  code: ErrorCode;
}

/** A JSON error response, with `headers` added (e.g. `Allow`, `Retry-After`). */
export function errorResponse(
  c: Context,
  status: number,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const body: ErrorBody = { error: message, code };
  // deno-lint-ignore no-explicit-any
  return c.json(body, status as any, headers);
}

/** Hono `onError` handler: maps known client errors to 4xx, everything else to a logged 500. */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof ApiError) {
    return errorResponse(c, error.status, error.code, error.message, error.headers);
  }
  if (error instanceof ImageInputError) {
    return errorResponse(c, error.status, error.code, error.message);
  }
  if (error instanceof HTTPException && error.status < 500) {
    return errorResponse(c, error.status, "bad_request", error.message || "bad request");
  }
  console.error(`${c.req.method} ${new URL(c.req.url).pathname} failed:`, error);
  return errorResponse(c, 500, "internal_error", "internal server error");
}

/** Hono `notFound` handler. */
export function handleNotFound(c: Context): Response {
  return errorResponse(c, 404, "not_found", `no route for ${c.req.method} ${c.req.path}`);
}

/**
 * Handler for a known path asked with a method it does not serve: 405 with the `Allow` header.
 *
 * @example
 * ```ts
 * app.all("/api/predict", methodNotAllowed(["POST"])); // after the POST route
 * ```
 */
export function methodNotAllowed(allow: readonly string[]): (c: Context) => Response {
  const header = allow.join(", ");
  return (c) =>
    errorResponse(
      c,
      405,
      "method_not_allowed",
      `${c.req.method} is not allowed on ${c.req.path}; use ${allow.join(" or ")}`,
      { allow: header },
    );
}
