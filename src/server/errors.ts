/**
 * Error responses: every refusal is a JSON body `{ error, code }` with a 4xx status (or 503 when the
 * server is busy or unhealthy); anything unexpected is logged and answered with a generic 500 so
 * internals never leak to clients.
 *
 * @module
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ImageInputError } from "../image/errors.ts";

/** A client error raised by a route: HTTP status plus a machine-readable code. */
export class ApiError extends Error {
  /** HTTP status to answer with. */
  status: number;
  /** Machine-readable reason, stable across message wording changes. */
  code: string;
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
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
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
  code: string;
}

/** A JSON error response, with `headers` added (e.g. `Allow`, `Retry-After`). */
export function errorResponse(
  c: Context,
  status: number,
  code: string,
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
