/**
 * The fuzz target's worker: the real app, loaded as `main.ts` loads it (models/default, the real
 * face detector, limits from the defaults), answering requests posted to it. It runs in a worker so
 * that a request that blocks the thread (a stall) can be cut off by terminating the worker.
 *
 * Messages in: {@link WorkerRequest}. Out: `{ ready: true }` once loaded, then one
 * {@link WorkerAnswer} per request.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { configFromEnv } from "../../src/server/config.ts";
import { loadServices } from "../../src/server/services.ts";
import { createApp } from "../../routes/app.ts";

/** A request for the app. */
export interface WorkerRequest {
  id: number;
  method: string;
  /** Path and query. */
  path: string;
  headers: [string, string][];
  body?: ArrayBuffer;
}

/** The app's answer to request `id`. */
export interface WorkerAnswer {
  id: number;
  /** The HTTP status, or 0 when the app threw instead of answering. */
  status: number;
  /** The body, or the error the app threw. */
  body: string;
  ms: number;
}

const services = await loadServices(configFromEnv(() => undefined));
const app = createApp(services.deps);

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const { id, method, path, headers, body } = event.data;
  const t0 = performance.now();
  let answer: WorkerAnswer;
  try {
    const request = new Request(`http://127.0.0.1${path}`, { method, headers, body });
    const response = await app.fetch(request);
    const text = await response.text();
    answer = { id, status: response.status, body: text, ms: performance.now() - t0 };
  } catch (error) {
    answer = { id, status: 0, body: String(error), ms: performance.now() - t0 };
  }
  self.postMessage(answer);
};

self.postMessage({ ready: true });
