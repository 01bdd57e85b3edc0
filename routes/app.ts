/**
 * The fer-edge HTTP app, read top-down: the error handlers and the middleware every response
 * passes, then the API routes (`/healthz`, `/api/model`, `/api/predict`, `/api/classify`), the
 * OpenAPI document (`/openapi.json`), the page's files (`/`, `/docs`, `/vendor/`, `/classifier/`,
 * `static/`), and last the 405s of the API paths. Built from injected models ({@link AppDeps}) so
 * tests run it with fakes through `app.request`.
 *
 * Every response passes the hygiene middleware (malformed paths refused with 400, security headers,
 * CORS only for listed origins); known paths asked with another method get 405 with `Allow`; the
 * heavy routes share one {@link Admission} gate and one {@link HealthMonitor}. The chain keeps its
 * type, so `typeof app` ({@link AppType}) carries every API route's query and answer schemas for
 * `hono/client`.
 *
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps } from "../src/server/deps.ts";
import { garbageCollector } from "../src/server/collect_garbage.ts";
import { handleError, handleNotFound, methodNotAllowed } from "../src/server/errors.ts";
import { corsFor, rejectMalformedPaths, securityHeaders } from "../src/server/hygiene.ts";
import { Admission } from "../src/server/admission.ts";
import { HealthMonitor } from "../src/server/health.ts";
import { modelCanary } from "../src/server/canary.ts";
import { HeavyWork } from "../src/server/heavy.ts";
import { healthRoutes } from "./health.ts";
import { modelRoutes } from "./model.ts";
import { predictRoutes } from "./predict.ts";
import { classifyRoutes } from "./classify.ts";
import { OPENAPI_OBJECT, openApiRoutes } from "./openapi.ts";
import { classifierDir, createStaticRoutes } from "./static.ts";
import { refuseBadInput } from "./query.ts";

export type { AppDeps } from "../src/server/deps.ts";

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
export function createApp(deps: AppDeps) {
  const collectGarbage = garbageCollector({ rssBytes: 160 * 2 ** 20, intervalMs: 500 });
  const health = deps.health ?? new HealthMonitor(modelCanary(deps));
  const heavy = new HeavyWork(new Admission(deps.limits), health);
  const app = new OpenAPIHono({ defaultHook: refuseBadInput });
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
  const routes = app
    .route("/", healthRoutes(deps, heavy))
    .route("/api", modelRoutes(deps))
    .route("/api", predictRoutes(deps, heavy))
    .route("/api", classifyRoutes(deps, heavy))
    .route("/", openApiRoutes(() => app.getOpenAPI31Document(OPENAPI_OBJECT)))
    // The page's files come after the API: their catch-all falls through to the 405s on a miss.
    .route("/", createStaticRoutes(classifierDir(deps.modelDir)));
  for (const [path, allow] of Object.entries(API_METHODS)) app.all(path, methodNotAllowed(allow));
  return routes;
}

/** The app's type, with every API route's schema: `hc<AppType>(url)` is a typed client. */
export type AppType = ReturnType<typeof createApp>;
