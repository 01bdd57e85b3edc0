/**
 * Where fuzz cases go: the real app in this process (the shipped model and the real face detector,
 * built as `main.ts` builds it), or a server on a loopback address. Both answer a case with its
 * status (or what happened instead), body text and time.
 *
 * @module
 */
import type { FuzzCase } from "./cases.ts";
import { mb, pidListeningOn, rssOfPid } from "./rss.ts";
import type { WorkerAnswer, WorkerRequest } from "./app_worker.ts";

/**
 * How a case was answered: an HTTP status, or without one: `closed` (no bytes back), `timeout`,
 * `error` (the connection or the app failed), `memory` (the server went over the memory cap and was
 * killed) or `crashed` (the server process exited).
 */
export interface FuzzResponse {
  status: number | "closed" | "timeout" | "error" | "memory" | "crashed";
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

/** Starts the app worker and waits until its models are loaded. */
async function startWorker(): Promise<Worker> {
  const worker = new Worker(new URL("./app_worker.ts", import.meta.url), { type: "module" });
  await new Promise<void>((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(`the app worker failed to start: ${event.message}`));
    };
  });
  return worker;
}

/**
 * The real app in this process, loaded as `main.ts` loads it (models/default, the real detector,
 * default limits), in a worker so that this thread keeps time while the app's is blocked. A slow
 * answer is waited for, as a client of the one-threaded server would wait (the fuzz loop reports
 * it as a stall); one not given within `hardLimitMs` is reported as `timeout` and the worker is
 * replaced by a fresh one, as a supervisor would restart a stuck server. (Deno may let a
 * terminated worker run on until its current task ends, so this is the last resort.)
 */
export async function inProcessTarget(
  options: {
    hardLimitMs?: number;
    maxRssBytes?: number;
    /** Called (then the process exits with 3) when a case takes the process over the cap. */
    onOverCap?: (message: string) => void;
  } = {},
): Promise<Target> {
  const hardLimitMs = options.hardLimitMs ?? 180_000;
  const maxRss = options.maxRssBytes ?? 3e9;
  let worker = await startWorker();
  let nextId = 0;
  let restarts = 0;
  const send = async (fuzzCase: FuzzCase): Promise<FuzzResponse> => {
    const request = toRequest("http://127.0.0.1", fuzzCase);
    const body = request.body ? await request.arrayBuffer() : undefined;
    const message: WorkerRequest = {
      id: nextId++,
      method: request.method,
      path: fuzzCase.path,
      headers: [...request.headers],
      body,
    };
    const t0 = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A worker cannot be stopped mid-task, so over the cap only ending the process frees the memory.
    const guard = setInterval(() => {
      const rss = Deno.memoryUsage().rss;
      if (rss <= maxRss) return;
      const message = `fuzz: "${fuzzCase.label}" took this process to RSS ${mb(rss)}, over ` +
        `the ${mb(maxRss)} cap (a memory blow-up): stopping; --target spawn goes on after one`;
      (options.onOverCap ?? console.error)(message);
      Deno.exit(3);
    }, 100);
    const answer = await new Promise<WorkerAnswer | undefined>((resolve) => {
      worker.onmessage = (event: MessageEvent<WorkerAnswer>) => {
        if (event.data.id === message.id) resolve(event.data);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        resolve({ id: message.id, status: 0, body: event.message, ms: performance.now() - t0 });
      };
      timer = setTimeout(() => resolve(undefined), hardLimitMs);
      worker.postMessage(message, body ? [body] : []);
    });
    clearTimeout(timer);
    clearInterval(guard);
    if (answer && answer.status > 0) {
      return { status: answer.status, body: answer.body, ms: performance.now() - t0 };
    }
    worker.terminate();
    restarts++;
    worker = await startWorker();
    const what = answer ? `the app failed: ${answer.body}` : `no answer in ${hardLimitMs} ms`;
    return {
      status: answer ? "error" : "timeout",
      body: `${what}; app restarted (${restarts} so far)`,
      ms: performance.now() - t0,
    };
  };
  return {
    name: "in-process",
    send,
    rss: () => Deno.memoryUsage().rss,
    close: () => Promise.resolve(worker.terminate()),
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
  const failed = (error: unknown): FuzzResponse => ({
    status: "error",
    body: String(error),
    ms: performance.now() - t0,
  });
  let conn: Deno.TcpConn;
  try {
    const hostname = url.hostname.replace(/^\[|\]$/g, "");
    conn = await Deno.connect({ hostname, port: Number(url.port || 80) });
  } catch (error) {
    return failed(error);
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.close();
  }, timeoutMs);
  try {
    const lines = [`${fuzzCase.method} ${fuzzCase.path} HTTP/1.1`, `Host: ${url.host}`];
    for (const [k, v] of Object.entries(fuzzCase.headers)) lines.push(`${k}: ${v}`);
    lines.push(`Content-Length: ${fuzzCase.contentLength}`, "Connection: close", "", "");
    await conn.write(new TextEncoder().encode(lines.join("\r\n")));
    const body = fuzzCase.body ?? new Uint8Array(0);
    for (let at = 0; at < body.length;) at += await conn.write(body.subarray(at));
    await conn.closeWrite();
    const chunks: Uint8Array[] = [];
    const buffer = new Uint8Array(65536);
    for (;;) {
      const n = await conn.read(buffer).catch(() => null);
      if (n === null) break;
      chunks.push(buffer.slice(0, n));
    }
    const text = new TextDecoder().decode(await new Blob(chunks as BlobPart[]).arrayBuffer());
    const status = timedOut && text.length === 0 ? "timeout" : parseStatus(text);
    return { status, body: text.slice(text.indexOf("\r\n\r\n") + 4), ms: performance.now() - t0 };
  } catch (error) {
    return timedOut ? { ...failed(error), status: "timeout" } : failed(error);
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
