/**
 * The fer-edge HTTP app: API routes under `/api`, the health check, and the camera page at `/`.
 * Built from injected models so tests run it with fakes through `app.request`.
 *
 * @module
 */
import { Hono } from "hono";
import type { AppDeps } from "./deps.ts";
import { handleError, handleNotFound } from "./errors.ts";
import { healthRoutes } from "../../routes/health.ts";
import { modelRoutes } from "../../routes/model.ts";
import { predictRoutes } from "../../routes/predict.ts";
import { classifyRoutes } from "../../routes/classify.ts";
import { staticRoutes } from "../../routes/static.ts";

export type { AppDeps } from "./deps.ts";

/** Builds the app. The static page is mounted last: it falls through to the API on a miss. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.onError(handleError);
  app.notFound(handleNotFound);
  app.route("/", healthRoutes(deps));
  app.route("/api", modelRoutes(deps));
  app.route("/api", predictRoutes(deps));
  app.route("/api", classifyRoutes(deps));
  app.route("/", staticRoutes);
  return app;
}
