/**
 * HTTP hygiene for every response: malformed paths are refused with 400 JSON before any route sees
 * them, every answer carries `X-Content-Type-Options: nosniff` and `Referrer-Policy`, the camera
 * page gets a Content Security Policy and `Permissions-Policy`, and CORS stays off unless origins
 * are listed (`CORS_ORIGINS`).
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { errorResponse } from "./errors.ts";

/**
 * The camera page's Content Security Policy: its own scripts, styles, models and API only. The two
 * wasm runtimes (MediaPipe tasks-vision, tfjs-backend-wasm) compile WebAssembly, which needs
 * `'wasm-unsafe-eval'` (not `'unsafe-eval'`: JS `eval` stays blocked). `blob:` workers and images
 * cover what those runtimes may create from object URLs. Framing is refused (`frame-ancestors`).
 */
export const PAGE_CSP: string = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** The policy for everything else (JSON, scripts, models): nothing may run or frame it. */
export const NON_PAGE_CSP = "default-src 'none'; frame-ancestors 'none'";

/** The page may use the camera itself; no frame, and no other origin, may. */
export const PAGE_PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=()";

/** Media types whose answers are documents a browser would run as a page. */
function isDocument(contentType: string | null): boolean {
  return /^text\/html\b/i.test(contentType ?? "");
}

/**
 * Adds the security headers to every response, errors included: `nosniff` and
 * `Referrer-Policy: no-referrer` always; on HTML the page CSP, `Permissions-Policy` and
 * `X-Frame-Options: DENY` (for browsers without `frame-ancestors`); on JSON, a CSP that forbids
 * everything, so an API answer opened directly can never act as a page. Scripts and wasm get no
 * CSP header: a worker started from one would take it as its own policy.
 */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const headers = c.res.headers;
    headers.set("x-content-type-options", "nosniff");
    headers.set("referrer-policy", "no-referrer");
    const type = headers.get("content-type");
    if (isDocument(type)) {
      headers.set("content-security-policy", PAGE_CSP);
      headers.set("permissions-policy", PAGE_PERMISSIONS_POLICY);
      headers.set("x-frame-options", "DENY");
    } else if (/^application\/json\b/i.test(type ?? "")) {
      headers.set("content-security-policy", NON_PAGE_CSP);
    }
  };
}

/** Whether a raw URL path decodes to text: valid percent-encoding, UTF-8, no control characters. */
export function isWellFormedPath(rawPath: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return false; // URIError: a stray "%", "%zz", or bytes that are not UTF-8
  }
  // deno-lint-ignore no-control-regex
  return !/[\u0000-\u001f\u007f]/.test(decoded);
}

/** Answers 400 `bad_path` for a path {@link isWellFormedPath} refuses, before routing. */
export function rejectMalformedPaths(): MiddlewareHandler {
  return async (c, next) => {
    // `pathname` keeps the request's percent-encoding as sent, malformed sequences included.
    if (!isWellFormedPath(new URL(c.req.url).pathname)) {
      return errorResponse(
        c,
        400,
        "bad_path",
        "the URL path is malformed (invalid percent-encoding or control characters)",
      );
    }
    await next();
  };
}

/**
 * CORS for the listed origins only: the browser is told a listed origin may read the answer, any
 * other origin is told nothing (so the browser blocks it). With no origins, no CORS headers at all.
 *
 * @example
 * ```ts
 * app.use("/api/*", corsFor(["https://app.example"]));
 * ```
 */
export function corsFor(origins: readonly string[]): MiddlewareHandler {
  const allowed = new Set(origins);
  if (allowed.size === 0) return async (_c, next) => await next();
  return cors({
    origin: (origin) => allowed.has(origin) ? origin : null,
    allowMethods: ["GET", "HEAD", "POST", "OPTIONS"],
    allowHeaders: ["content-type"],
    maxAge: 600,
  });
}
