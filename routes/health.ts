/**
 * `GET /healthz`: answers once the model and detector are loaded and warmed up (the app is only
 * built after that), with the inference backend so a deployment can be checked at a glance.
 *
 * @module
 */
import { Hono } from "hono";
import type { AppDeps } from "../src/server/deps.ts";

/** Routes for the health check, mounted at `/`. */
export function healthRoutes(deps: Pick<AppDeps, "model" | "runtime">): Hono {
  const started = Date.now();
  return new Hono().get("/healthz", (c) =>
    c.json({
      status: "ok",
      model: `${deps.model.name}@${deps.model.version}`,
      ...deps.runtime(),
      uptimeS: Math.round((Date.now() - started) / 1000),
    }));
}
