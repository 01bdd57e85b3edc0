/**
 * `GET /healthz`: whether the server can still be trusted, from a recent canary inference (a fixed
 * input through the detector and classifier, compared with its start-up result), plus the model,
 * the backend, memory (`numTensors`, the wasm heap, RSS) and the admission queue. 200 while the
 * canary holds; 503 `unhealthy` once it has failed, so a supervisor or load balancer takes the
 * instance out. The answer is cached state: a stale canary is refreshed in the background, so this
 * route stays fast while inference is busy.
 *
 * @module
 */
import { Hono } from "hono";
import type { AppDeps } from "../src/server/deps.ts";
import type { HeavyWork } from "../src/server/heavy.ts";

/** Routes for the health check, mounted at `/`. */
export function healthRoutes(deps: Pick<AppDeps, "model" | "runtime">, heavy: HeavyWork): Hono {
  const started = Date.now();
  const { health, admission } = heavy;
  return new Hono().get("/healthz", async (c) => {
    // Only the very first call of an app built without a started monitor waits for a canary run.
    const canary = health.status() ?? await health.check();
    health.refreshIfStale();
    const report = {
      status: health.healthy ? "ok" : "unhealthy",
      model: `${deps.model.name}@${deps.model.version}`,
      ...deps.runtime(),
      uptimeS: Math.round((Date.now() - started) / 1000),
      canary: health.status() ?? canary,
      memory: health.memory(),
      admission: { ...admission.state(), ...admission.settings },
    };
    if (health.healthy) return c.json(report);
    return c.json({
      error: `the inference backend failed its self-check: ${health.reason}`,
      code: "unhealthy",
      ...report,
    }, 503);
  });
}
