/**
 * The server's own health, as `/healthz` reports it: the result of a recent canary inference (see
 * `canary.ts`) and the memory figures. The canary runs at start-up (its reading is the baseline),
 * again when `/healthz` finds the last run older than the interval, and at once after any
 * unexpected failure of a heavy route. A failing canary is run once more to rule out a passing
 * hiccup (say a transient allocation failure); if it fails again the server is unhealthy for good:
 * `/healthz` answers 503, heavy routes answer 503 `unavailable` instead of wrong answers, and the
 * `onUnhealthy` listeners run (`main.ts` exits so that a supervisor starts a fresh process).
 *
 * @module
 */
import { canaryMismatch, type CanaryProbe, type CanaryReading } from "./canary.ts";
import { type MemoryStats, readMemoryStats } from "./memory_stats.ts";

/** The latest canary run, as `/healthz` shows it. */
export interface CanaryStatus {
  /** Whether the run gave the start-up result. */
  ok: boolean;
  /** When it ran (ISO 8601). */
  checkedAt: string;
  /** How long it took, in milliseconds. */
  ms: number;
  /** Why it failed (the thrown message or the difference); absent when ok. */
  error?: string;
  /** Canary runs so far, the start-up one included. */
  runs: number;
}

/** Options for {@link HealthMonitor}. */
export interface HealthOptions {
  /** Least time between two canary runs started by `/healthz` (default 30 s). */
  intervalMs?: number;
  /** Allowed difference from the start-up reading (default `CANARY_TOLERANCE`). */
  tolerance?: number;
  /** A run that has not finished after this long counts as failed (default 10 s). */
  timeoutMs?: number;
  /** Memory sampler (default {@link readMemoryStats}); tests inject their own. */
  memory?: () => MemoryStats;
  /** Clock in milliseconds (default `Date.now`). */
  now?: () => number;
}

/** Default least time between two canary runs started by `/healthz`. */
export const DEFAULT_CANARY_INTERVAL_MS = 30_000;

/** Default longest canary run (it takes about 50-150 ms with the shipped models). */
export const DEFAULT_CANARY_TIMEOUT_MS = 10_000;

/**
 * Tracks the canary and whether the server can still be trusted.
 *
 * @example
 * ```ts
 * const health = new HealthMonitor(modelCanary({ detector, classifier }));
 * await health.start(); // the baseline; throws if the models cannot even run once
 * health.onUnhealthy((reason) => console.error(reason));
 * ```
 */
export class HealthMonitor {
  readonly #probe: CanaryProbe;
  readonly #intervalMs: number;
  readonly #tolerance: number | undefined;
  readonly #timeoutMs: number;
  readonly #memory: () => MemoryStats;
  readonly #now: () => number;
  #baseline?: CanaryReading;
  #status?: CanaryStatus;
  #lastRunAt = -Infinity;
  #running?: Promise<CanaryStatus>;
  #again = false;
  #runs = 0;
  #unhealthy?: string;
  #listeners: ((reason: string) => void)[] = [];

  /** Creates the monitor; nothing runs until {@link start} or {@link check}. */
  constructor(probe: CanaryProbe, options: HealthOptions = {}) {
    this.#probe = probe;
    this.#intervalMs = options.intervalMs ?? DEFAULT_CANARY_INTERVAL_MS;
    this.#tolerance = options.tolerance;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_CANARY_TIMEOUT_MS;
    this.#memory = options.memory ?? readMemoryStats;
    this.#now = options.now ?? Date.now;
  }

  /** Records the baseline reading; throws what the probe throws, so a broken start is loud. */
  async start(): Promise<void> {
    if (this.#baseline) return;
    const started = performance.now();
    this.#baseline = await this.#probe();
    this.#record({ ok: true, ms: performance.now() - started });
  }

  /** False once the canary has failed twice in a row; it stays false. */
  get healthy(): boolean {
    return this.#unhealthy === undefined;
  }

  /** Why the server is unhealthy, or `undefined`. */
  get reason(): string | undefined {
    return this.#unhealthy;
  }

  /** The latest canary run, or `undefined` before the first. */
  status(): CanaryStatus | undefined {
    return this.#status;
  }

  /** Memory figures sampled now. */
  memory(): MemoryStats {
    return this.#memory();
  }

  /** Calls `listener` once, with the reason, when the server becomes unhealthy. */
  onUnhealthy(listener: (reason: string) => void): void {
    this.#listeners.push(listener);
  }

  /**
   * Runs the canary now (or joins the run in progress) and returns its status. The first run
   * without a {@link start} records the baseline.
   */
  check(): Promise<CanaryStatus> {
    this.#running ??= this.#runChecks().finally(() => this.#running = undefined);
    return this.#running;
  }

  /** Starts a canary run in the background when the last one is older than the interval. */
  refreshIfStale(): void {
    if (this.#running || !this.healthy) return;
    if (this.#now() - this.#lastRunAt >= this.#intervalMs) void this.check();
  }

  /** A heavy route failed unexpectedly (a 500): check the canary now, and again if one is running. */
  reportFailure(): void {
    if (!this.healthy) return;
    if (this.#running) this.#again = true;
    else void this.check();
  }

  async #runChecks(): Promise<CanaryStatus> {
    let status: CanaryStatus;
    do {
      this.#again = false;
      status = await this.#runOnce();
      // A failure is confirmed by a second run before the server gives up on itself.
      if (!status.ok && this.healthy) {
        const first = status.error;
        status = await this.#runOnce();
        if (!status.ok) this.#fail(`${first}; again: ${status.error}`);
      }
    } while (this.#again && this.healthy);
    return status;
  }

  async #runOnce(): Promise<CanaryStatus> {
    const started = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no result within ${this.#timeoutMs} ms`)),
        this.#timeoutMs,
      );
    });
    try {
      const reading = await Promise.race([this.#probe(), timedOut]);
      const ms = performance.now() - started;
      if (!this.#baseline) {
        this.#baseline = reading;
        return this.#record({ ok: true, ms });
      }
      const mismatch = canaryMismatch(this.#baseline, reading, this.#tolerance);
      return this.#record(mismatch ? { ok: false, ms, error: mismatch } : { ok: true, ms });
    } catch (error) {
      const ms = performance.now() - started;
      return this.#record({ ok: false, ms, error: `canary inference threw: ${describe(error)}` });
    } finally {
      clearTimeout(timer);
    }
  }

  #record(result: { ok: boolean; ms: number; error?: string }): CanaryStatus {
    this.#runs++;
    this.#lastRunAt = this.#now();
    this.#status = {
      ok: result.ok,
      checkedAt: new Date(this.#lastRunAt).toISOString(),
      ms: Math.round(result.ms * 100) / 100,
      ...(result.error ? { error: result.error } : {}),
      runs: this.#runs,
    };
    return this.#status;
  }

  #fail(reason: string): void {
    this.#unhealthy = reason;
    console.error(`fer-edge: unhealthy, the canary inference failed twice: ${reason}`);
    for (const listener of this.#listeners) {
      try {
        listener(reason);
      } catch (error) {
        console.error("fer-edge: an onUnhealthy listener failed:", error);
      }
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
