/**
 * Admission control for the heavy routes (`/api/predict`, `/api/classify`): at most `maxInFlight`
 * requests doing inference at once, at most `maxQueue` waiting for a slot in arrival order, and no
 * wait longer than the request's time budget. Past either bound a request gets 503 with
 * `Retry-After` at once, instead of joining a queue it cannot get through in time.
 *
 * The budget is enforced on the wait only. The work itself (decode, detection, classification) is
 * synchronous WebAssembly on the one JS thread and cannot be interrupted; it is bounded where it is
 * done (pixel budgets, the detector's window cap), so a request that starts inside its budget
 * always finishes. JavaScript is single-threaded, so `maxInFlight > 1` adds no throughput: the
 * requests interleave at their `await`s, each holding its image in memory.
 *
 * @module
 */
import { ApiError, type ErrorCode } from "./errors.ts";

/** The bounds {@link Admission} enforces. */
export interface AdmissionSettings {
  /** Heavy requests running at once (≥ 1). */
  maxInFlight: number;
  /** Heavy requests waiting for a slot (≥ 0). */
  maxQueue: number;
  /** Longest wait for a slot, in milliseconds. */
  requestBudgetMs: number;
}

/** Live counts, for `/healthz`. */
export interface AdmissionState {
  /** Requests doing their work now. */
  inFlight: number;
  /** Requests waiting for a slot. */
  queued: number;
  /** Requests refused with 503 so far (queue full or wait over budget). */
  refused: number;
}

interface Waiter {
  grant(): void;
  fail(error: Error): void;
}

/** Weight of the newest sample in the running mean of work time (for `Retry-After`). */
const SMOOTHING = 0.2;

/**
 * A counting semaphore with a bounded FIFO queue and a wait deadline.
 *
 * @example
 * ```ts
 * const admission = new Admission({ maxInFlight: 1, maxQueue: 16, requestBudgetMs: 10_000 });
 * const result = await admission.run(() => classifier.classify(faces), () => request.signal);
 * ```
 */
export class Admission {
  readonly settings: Readonly<AdmissionSettings>;
  #inFlight = 0;
  #refused = 0;
  #queue: Waiter[] = [];
  #meanWorkMs = 0;

  /** Creates the gate; throws `RangeError` for bounds that would admit nothing. */
  constructor(settings: AdmissionSettings) {
    if (!(Number.isInteger(settings.maxInFlight) && settings.maxInFlight >= 1)) {
      throw new RangeError(`maxInFlight must be an integer ≥ 1, got ${settings.maxInFlight}`);
    }
    if (!(Number.isInteger(settings.maxQueue) && settings.maxQueue >= 0)) {
      throw new RangeError(`maxQueue must be an integer ≥ 0, got ${settings.maxQueue}`);
    }
    if (!(settings.requestBudgetMs > 0)) {
      throw new RangeError(`requestBudgetMs must be positive, got ${settings.requestBudgetMs}`);
    }
    const { maxInFlight, maxQueue, requestBudgetMs } = settings;
    this.settings = { maxInFlight, maxQueue, requestBudgetMs };
  }

  /** Counts for monitoring. */
  state(): AdmissionState {
    return { inFlight: this.#inFlight, queued: this.#queue.length, refused: this.#refused };
  }

  /**
   * Runs `work` once a slot is free. `cancel` gives the signal that aborts when the client goes
   * away, so a request whose client hung up leaves the queue; it is read only when the request has
   * to wait (Deno logs a notice when a request's `signal` is first read). Deno does not notice
   * every hang-up while a handler waits (not for some uploaded bodies), so the budget still bounds
   * the wait.
   *
   * @throws {ApiError} 503 `overloaded` when the queue is full, 503 `queue_timeout` when no slot
   * came free within the budget, 503 `cancelled` when the signal aborted (the client left) first.
   */
  async run<T>(work: () => Promise<T>, cancel?: () => AbortSignal | undefined): Promise<T> {
    await this.#acquire(cancel);
    const started = performance.now();
    try {
      return await work();
    } finally {
      const ms = performance.now() - started;
      this.#meanWorkMs = this.#meanWorkMs === 0 ? ms : this.#meanWorkMs * (1 - SMOOTHING) +
        ms * SMOOTHING;
      this.#release();
    }
  }

  /** Seconds until the queue has likely drained: the value of `Retry-After` (at least 1). */
  retryAfterSeconds(): number {
    const ahead = this.#inFlight + this.#queue.length;
    const ms = (ahead * this.#meanWorkMs) / this.settings.maxInFlight;
    return Math.max(1, Math.ceil(ms / 1000));
  }

  #busy(code: ErrorCode, message: string): ApiError {
    this.#refused++;
    return new ApiError(503, code, message, { "retry-after": String(this.retryAfterSeconds()) });
  }

  #acquire(cancel?: () => AbortSignal | undefined): Promise<void> {
    if (this.#inFlight < this.settings.maxInFlight) {
      this.#inFlight++;
      return Promise.resolve();
    }
    if (this.#queue.length >= this.settings.maxQueue) {
      return Promise.reject(this.#busy(
        "overloaded",
        `the server is busy (${this.#inFlight} running, ${this.#queue.length} waiting); ` +
          "retry after the time in Retry-After",
      ));
    }
    const signal = cancel?.();
    if (signal?.aborted) return Promise.reject(this.#cancelled());
    return new Promise<void>((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const at = this.#queue.indexOf(waiter);
        if (at >= 0) this.#queue.splice(at, 1);
      };
      const waiter: Waiter = {
        grant: () => {
          leave();
          resolve();
        },
        fail: (error) => {
          leave();
          reject(error);
        },
      };
      const onAbort = () => waiter.fail(this.#cancelled());
      const timer = setTimeout(() =>
        waiter.fail(this.#busy(
          "queue_timeout",
          `no inference slot came free within the ${this.settings.requestBudgetMs} ms budget; ` +
            "retry after the time in Retry-After",
        )), this.settings.requestBudgetMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  #cancelled(): ApiError {
    return new ApiError(503, "cancelled", "the request was cancelled before its work started");
  }

  #release(): void {
    const next = this.#queue[0];
    // The slot passes straight to the next waiter, so a new arrival cannot overtake the queue.
    if (next) next.grant();
    else this.#inFlight--;
  }
}
