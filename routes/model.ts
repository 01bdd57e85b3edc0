/**
 * `GET /api/model`: the served model's labels, version, input spec, size and metrics.
 *
 * @module
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps } from "../src/server/deps.ts";
import { ModelAnswer } from "./schemas.ts";
import { errorResponses } from "./error_responses.ts";
import { refuseBadInput } from "./query.ts";

/** `GET /api/model`, as the OpenAPI document describes it (the path is relative to `/api`). */
export const modelRoute = createRoute({
  method: "get",
  path: "/model",
  tags: ["model"],
  summary: "The served model (also answers HEAD)",
  description: "Name, content-hash version, labels (the keys of every answer's `scores`: 7 " +
    "for models/default, 8 for a FER+ model) and their `labelSet`, input spec, quantization, " +
    "size, mirror tie, " +
    "calibration temperature, metrics, runtime and request limits; for a model set, its members.",
  responses: {
    200: { description: "The model", content: { "application/json": { schema: ModelAnswer } } },
    ...errorResponses("method_not_allowed"),
  },
});

/** Routes describing the model, mounted at `/api`. */
export function modelRoutes(deps: Pick<AppDeps, "model" | "runtime" | "limits">) {
  return new OpenAPIHono({ defaultHook: refuseBadInput }).openapi(modelRoute, (c) =>
    c.json({
      ...deps.model,
      runtime: deps.runtime(),
      limits: deps.limits,
    }, 200));
}
