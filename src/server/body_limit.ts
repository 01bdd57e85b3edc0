/**
 * Body-size limit for upload routes: Hono's `bodyLimit` (which checks `Content-Length` and counts
 * streamed bytes, so chunked uploads cannot slip past) answering with the JSON error format.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { errorResponse } from "./errors.ts";

/** Middleware refusing bodies over `maxBytes` with 413 `body_too_large`. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      errorResponse(
        c,
        413,
        "body_too_large",
        `the request body is over the ${maxBytes}-byte limit (${formatMb(maxBytes)})`,
      ),
  });
}

function formatMb(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 100) / 100} MiB`;
}
