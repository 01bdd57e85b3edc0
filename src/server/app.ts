/**
 * The fer-edge HTTP app: API routes under `/api`, the health check, and the camera page at `/`.
 * Built from injected models so tests run it with fakes through `app.request`.
 *
 * Every response passes the hygiene middleware (malformed paths refused with 400, security headers,
 * CORS only for listed origins); known paths asked with another method get 405 with `Allow`; the
 * heavy routes share one {@link Admission} gate and one {@link HealthMonitor}.
 *
 * @module
 */
import { garbageCollector } from "./collect_garbage.ts";
import { Hono } from "hono";
import type { AppDeps } from "./deps.ts";
import { handleError, handleNotFound, methodNotAllowed } from "./errors.ts";
import { corsFor, rejectMalformedPaths, securityHeaders } from "./hygiene.ts";
import { Admission } from "./admission.ts";
import { HealthMonitor } from "./health.ts";
import { modelCanary } from "./canary.ts";
import { HeavyWork } from "./heavy.ts";
import { healthRoutes } from "../../routes/health.ts";
import { modelRoutes } from "../../routes/model.ts";
import { predictRoutes } from "../../routes/predict.ts";
import { classifyRoutes } from "../../routes/classify.ts";
import { staticRoutes } from "../../routes/static.ts";

export type { AppDeps } from "./deps.ts";

/** The API paths and the methods each serves (GET routes answer HEAD too). */
export const API_METHODS: Readonly<Record<string, readonly string[]>> = {
  "/healthz": ["GET", "HEAD"],
  "/api/model": ["GET", "HEAD"],
  "/api/predict": ["POST"],
  "/api/classify": ["POST"],
};

/**
 * Builds the app.
 *
 * @example
 * ```ts
 * const app = createApp(services.deps);
 * Deno.serve({ port: 8000 }, app.fetch);
 * ```
 */
export function createApp(deps: AppDeps): Hono {
  const collectGarbage = garbageCollector({ rssBytes: 160 * 2 ** 20, intervalMs: 500 });
  const health = deps.health ?? new HealthMonitor(modelCanary(deps));
  const heavy = new HeavyWork(new Admission(deps.limits), health);
  const app = new Hono();
  app.onError(handleError);
  app.notFound(handleNotFound);
  app.use("*", securityHeaders());
  app.use("*", rejectMalformedPaths());
  app.use("/api/*", async (_c, next) => {
    await next();
    collectGarbage();
  });
  const cors = corsFor(deps.corsOrigins ?? []);
  app.use("/api/*", cors);
  app.use("/healthz", cors);
  app.route("/", healthRoutes(deps, heavy));
  app.route("/api", modelRoutes(deps));
  app.route("/api", predictRoutes(deps, heavy));
  app.route("/api", classifyRoutes(deps, heavy));
  // The static page is mounted after the API: its catch-all falls through to the 405s on a miss.
  app.route("/", staticRoutes);
  for (const [path, allow] of Object.entries(API_METHODS)) app.all(path, methodNotAllowed(allow));
  return app;
}
