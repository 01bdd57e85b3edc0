/**
 * Where fuzz cases go: the real app in this process (the shipped model and the real face detector,
 * built as `main.ts` builds it), or a server on a loopback address. Both answer a case with its
 * status (or what happened instead), body text and time.
 *
 * @module
 */
import type { FuzzCase } from "./cases.ts";
import { pidListeningOn, rssOfPid } from "./rss.ts";

/** How a case was answered: an HTTP status, or `closed` / `timeout` / `error` without one. */
export interface FuzzResponse {
  status: number | "closed" | "timeout" | "error";
  /** The body as text (the error message when there is no status). */
  body: string;
  /** Milliseconds from sending to the end of the body. */
  ms: number;
}

/** Something that answers fuzz cases. */
export interface Target {
  /** `in-process` or the base URL. */
  name: string;
  send(fuzzCase: FuzzCase): Promise<FuzzResponse>;
  /** The server's resident memory in bytes, when it can be read. */
  rss(): number | undefined;
  close(): Promise<void>;
}

/** The `Request` for a case; a lying Content-Length is applied the way a server reads the body. */
export function toRequest(base: string, fuzzCase: FuzzCase): Request {
  const headers = new Headers(fuzzCase.headers);
  let body = fuzzCase.body;
  if (fuzzCase.contentLength !== undefined) {
    headers.set("content-length", String(fuzzCase.contentLength));
    const declared = Number(fuzzCase.contentLength);
    if (body && Number.isInteger(declared) && declared >= 0 && declared < body.length) {
      body = body.subarray(0, declared);
    }
  }
  const bodyless = fuzzCase.method === "GET" || fuzzCase.method === "HEAD";
  return new Request(base + fuzzCase.path, {
    method: fuzzCase.method,
    headers,
    body: bodyless ? undefined : body as BodyInit | undefined,
  });
}

/** Times `answer` and turns what it gives or throws into a {@link FuzzResponse}. */
async function timed(answer: () => Promise<Response>): Promise<FuzzResponse> {
  const t0 = performance.now();
  try {
    const response = await answer();
    const body = await response.text();
    return { status: response.status, body, ms: performance.now() - t0 };
  } catch (error) {
    const name = (error as Error).name;
    const status = name === "TimeoutError" || name === "AbortError" ? "timeout" : "error";
    return { status, body: String(error), ms: performance.now() - t0 };
  }
}

/**
 * The real app in this process, loaded as `main.ts` loads it (models/default, the real detector,
 * limits from the defaults).
 */
export async function inProcessTarget(): Promise<Target> {
  const { configFromEnv } = await import("../../src/server/config.ts");
  const { loadServices } = await import("../../src/server/services.ts");
  const { createApp } = await import("../../src/server/app.ts");
  const services = await loadServices(configFromEnv(() => undefined));
  const app = createApp(services.deps);
  return {
    name: "in-process",
    send: (fuzzCase) => timed(async () => await app.fetch(toRequest("http://127.0.0.1", fuzzCase))),
    rss: () => Deno.memoryUsage().rss,
    close: () => Promise.resolve(services.dispose()),
  };
}

/** Throws unless `base` is an http URL on a loopback address (fuzz traffic stays on this machine). */
export function loopbackBase(base: string): URL {
  const url = new URL(base);
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname) ||
    /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol !== "http:" || !loopback) {
    throw new Error(`the target must be http:// on a loopback address, not ${base}`);
  }
  return url;
}

/** The status of an HTTP/1.1 response's first line, or `closed` when no bytes came back. */
function parseStatus(head: string): FuzzResponse["status"] {
  if (head.length === 0) return "closed";
  const match = head.match(/^HTTP\/1\.[01] (\d{3})/);
  return match ? Number(match[1]) : "error";
}

/** Sends `fuzzCase` on a raw socket with its lying Content-Length and reads until close. */
async function sendRaw(url: URL, fuzzCase: FuzzCase, timeoutMs: number): Promise<FuzzResponse> {
  const t0 = performance.now();
  const port = Number(url.port || 80);
  const conn = await Deno.connect({ hostname: url.hostname.replace(/^\[|\]$/g, ""), port });
  const timer = setTimeout(() => conn.close(), timeoutMs);
  let timedOut = false;
  try {
    const lines = [`${fuzzCase.method} ${fuzzCase.path} HTTP/1.1`, `Host: ${url.host}`];
    for (const [k, v] of Object.entries(fuzzCase.headers)) lines.push(`${k}: ${v}`);
    lines.push(`Content-Length: ${fuzzCase.contentLength}`, "Connection: close", "", "");
    const head = new TextEncoder().encode(lines.join("\r\n"));
    await conn.write(head);
    const body = fuzzCase.body ?? new Uint8Array(0);
    for (let at = 0; at < body.length;) at += await conn.write(body.subarray(at));
    await conn.closeWrite();
    const chunks: Uint8Array[] = [];
    const buffer = new Uint8Array(65536);
    for (;;) {
      const n = await conn.read(buffer).catch(() => (timedOut = true, null));
      if (n === null) break;
      chunks.push(buffer.slice(0, n));
    }
    const text = new TextDecoder().decode(await new Blob(chunks as BlobPart[]).arrayBuffer());
    const status = timedOut && text.length === 0 ? "timeout" : parseStatus(text);
    return { status, body: text.slice(text.indexOf("\r\n\r\n") + 4), ms: performance.now() - t0 };
  } catch (error) {
    return { status: "error", body: String(error), ms: performance.now() - t0 };
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* closed by the timer */ }
  }
}

/**
 * A server at `base` (loopback only). Its memory is read from `/proc` for `pid`, or for the process
 * listening on the URL's port.
 */
export function httpTarget(base: string, options: { timeoutMs: number; pid?: number }): Target {
  const url = loopbackBase(base);
  const origin = url.origin;
  const pid = options.pid ?? pidListeningOn(Number(url.port || 80));
  return {
    name: origin,
    send(fuzzCase) {
      if (fuzzCase.contentLength !== undefined) return sendRaw(url, fuzzCase, options.timeoutMs);
      return timed(async () => {
        const request = toRequest(origin, fuzzCase);
        return await fetch(request, { signal: AbortSignal.timeout(options.timeoutMs) });
      });
    },
    rss: () => (pid === undefined ? undefined : rssOfPid(pid)),
    close: () => Promise.resolve(),
  };
}
