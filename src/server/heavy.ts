/**
 * The gate every heavy request (`/api/predict`, `/api/classify`) passes after its cheap checks: a
 * 503 `unavailable` once the server is unhealthy, then a slot from {@link Admission}, then the work;
 * an unexpected failure of the work makes the {@link HealthMonitor} check the canary at once.
 *
 * Inference is synchronous wasm, and its `await`s (tfjs-wasm's `data()`, the codecs) settle as
 * microtasks, which run before any I/O: without a real yield, queued predictions would run back to
 * back and new requests, cheap refusals and `/healthz` included, would wait for the whole queue
 * (refusals waited about 1 s under 16 clients). So each job starts, and each stage of a prediction
 * begins, with {@link yieldToEventLoop}.
 *
 * @module
 */
import type { Admission } from "./admission.ts";
import type { HealthMonitor } from "./health.ts";
import { ApiError, isExpectedError } from "./errors.ts";
import type { PredictModels } from "./predict_image.ts";

/** Longest stretch of heavy work between two yields to the event loop. */
export const YIELD_EVERY_MS = 10;

let lastYield = 0;

/**
 * Lets the event loop poll I/O (new connections, request bodies, cheap refusals, `/healthz`) when
 * heavy work has held the thread for {@link YIELD_EVERY_MS} or more since the last yield. Only a
 * timer does that in Deno: a `MessageChannel` message or `setImmediate` runs before the I/O driver
 * is polled again. A nested `setTimeout(0)` costs up to 4 ms (the HTML clamp), hence the rate limit.
 */
export async function yieldToEventLoop(): Promise<void> {
  if (performance.now() - lastYield < YIELD_EVERY_MS) return;
  await new Promise((resolve) => setTimeout(resolve, 0));
  lastYield = performance.now();
}

/**
 * `models` with a {@link yieldToEventLoop} before each detection and classification, so that a
 * prediction's decode, detect and classify stages let other requests in between.
 */
export function yieldingModels(models: PredictModels): PredictModels {
  const { detector, classifier } = models;
  return {
    detector: {
      detect: async (image) => {
        await yieldToEventLoop();
        return await detector.detect(image);
      },
    },
    classifier: {
      labels: classifier.labels,
      faceBytes: classifier.faceBytes,
      classify: async (faces, options) => {
        await yieldToEventLoop();
        return await classifier.classify(faces, options);
      },
    },
  };
}

/** Heavy work behind admission control and the health gate. */
export class HeavyWork {
  /**
   * @param admission the slots and queue shared by all heavy routes
   * @param health the monitor that decides whether the models can still be trusted
   */
  constructor(readonly admission: Admission, readonly health: HealthMonitor) {}

  /**
   * Runs `work` in a slot, unless the server is unhealthy (checked again once the slot is granted,
   * as the canary may have failed while the request waited).
   *
   * @example
   * ```ts
   * const scores = await heavy.run(() => classifier.classify(faces), () => c.req.raw.signal);
   * ```
   * @throws {ApiError} 503 `unavailable`, or the admission refusals (`overloaded`, `queue_timeout`).
   */
  run<T>(work: () => Promise<T>, cancel?: () => AbortSignal | undefined): Promise<T> {
    this.#assertHealthy();
    return this.admission.run(async () => {
      await yieldToEventLoop();
      this.#assertHealthy();
      try {
        return await work();
      } catch (error) {
        if (!isExpectedError(error)) this.health.reportFailure();
        throw error;
      }
    }, cancel);
  }

  #assertHealthy(): void {
    if (this.health.healthy) return;
    throw new ApiError(
      503,
      "unavailable",
      "the inference backend failed its self-check; the server is restarting, retry shortly",
      { "retry-after": "5" },
    );
  }
}
