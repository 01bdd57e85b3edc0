/**
 * What the process does when its {@link HealthMonitor} gives up on the inference backend: stop
 * taking connections, let in-flight requests finish for a bounded time, and exit with status 1 so
 * that a supervisor (Deno Deploy, systemd, a container runtime) starts a fresh process. A fresh
 * process is the only reliable reset: wasm memory never shrinks, and a trap can leave the backend's
 * heap in any state, so re-initialising tfjs in place would keep what broke it.
 *
 * @module
 */
import type { HealthMonitor } from "./health.ts";

/** Longest wait for in-flight requests before the exit, by default. */
export const DEFAULT_UNHEALTHY_DRAIN_MS = 3000;

/** Options for {@link exitWhenUnhealthy}. */
export interface ExitOptions {
  /** Longest wait for `server.shutdown()` (default {@link DEFAULT_UNHEALTHY_DRAIN_MS}). */
  drainMs?: number;
  /** Ends the process (default `Deno.exit`); tests pass a recorder. */
  exit?: (code: number) => void;
  /** Runs first, e.g. to stop the canary timer. */
  beforeExit?: () => void;
}

/**
 * Exits with status 1 once `health` turns unhealthy, after draining `server` for at most
 * `drainMs`. Resolves with the exit code once the exit has been asked for (for tests).
 *
 * @example
 * ```ts
 * const server = Deno.serve(app.fetch);
 * void exitWhenUnhealthy(services.health, server);
 * ```
 */
export function exitWhenUnhealthy(
  health: HealthMonitor,
  server: { shutdown(): Promise<void> },
  options: ExitOptions = {},
): Promise<number> {
  const drainMs = options.drainMs ?? DEFAULT_UNHEALTHY_DRAIN_MS;
  const exit = options.exit ?? ((code: number) => Deno.exit(code));
  return new Promise((resolve) => {
    health.onUnhealthy(async (reason) => {
      console.error(`fer-edge: exiting with status 1 so that a supervisor restarts it (${reason})`);
      options.beforeExit?.();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const drained = new Promise<void>((done) => timer = setTimeout(done, drainMs));
      await Promise.race([server.shutdown(), drained]);
      clearTimeout(timer);
      resolve(1);
      exit(1);
    });
  });
}
