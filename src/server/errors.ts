/**
 * Error responses: every refusal is a JSON body `{ error, code }` with a 4xx status; anything
 * unexpected is logged and answered with a generic 500 so internals never leak to clients.
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

  /** Creates the error; `message` should tell the caller what to change. */
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

/** The JSON body of every error response. */
export interface ErrorBody {
  /** What went wrong, for people. */
  error: string;
  /** What went wrong, for programs. */
  code: string;
}

/** A JSON error response. */
export function errorResponse(c: Context, status: number, code: string, message: string): Response {
  const body: ErrorBody = { error: message, code };
  // deno-lint-ignore no-explicit-any
  return c.json(body, status as any);
}

/** Hono `onError` handler: maps known client errors to 4xx, everything else to a logged 500. */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof ApiError || error instanceof ImageInputError) {
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
