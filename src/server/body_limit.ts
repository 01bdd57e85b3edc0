/**
 * Body-size limit for upload routes: Hono's `bodyLimit` (which checks `Content-Length` and counts
 * streamed bytes, so chunked uploads cannot slip past) answering with the JSON error format.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { errorResponse } from "./errors.ts";
import { readBody } from "./read_body.ts";

/**
 * Middleware refusing bodies over `maxBytes` with 413 `body_too_large`. A body without a
 * `Content-Length` is read here, so a stream that breaks off is answered here too (400
 * `unreadable_body`, as `readBody` does for the rest).
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      errorResponse(
        c,
        413,
        "body_too_large",
        `the request body is over the ${maxBytes}-byte limit (${formatMb(maxBytes)})`,
      ),
  });
  // Errors of the routes after it are handled by Hono before `next()` returns: what reaches this
  // catch comes from reading the body.
  return (c, next) => readBody(() => limit(c, next));
}

function formatMb(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 100) / 100} MiB`;
}
