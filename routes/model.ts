/**
 * `GET /api/model`: the served model's labels, version, input spec, size and metrics.
 *
 * @module
 */
import { Hono } from "hono";
import type { AppDeps } from "../src/server/deps.ts";

/** Routes describing the model, mounted at `/api`. */
export function modelRoutes(deps: Pick<AppDeps, "model" | "runtime" | "limits">): Hono {
  return new Hono().get("/model", (c) =>
    c.json({
      ...deps.model,
      runtime: deps.runtime(),
      limits: deps.limits,
    }));
}
