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
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppDeps } from "../src/server/deps.ts";
import type { HeavyWork } from "../src/server/heavy.ts";
import { ERROR_CODES } from "../src/server/errors.ts";
import { HealthReport } from "./schemas.ts";
import { errorResponses } from "./error_responses.ts";
import { refuseBadInput } from "./query.ts";

const UnhealthyAnswer = HealthReport.extend({
  error: z.string(),
  code: z.enum(["unhealthy"]),
}).openapi("UnhealthyAnswer");

/** `GET /healthz`, as the OpenAPI document describes it. */
export const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["health"],
  summary: "Whether the server can be trusted (also answers HEAD)",
  description: "The last canary inference (re-run when older than `CANARY_INTERVAL_MS`), memory " +
    "and the admission queue. Cheap: it never waits for inference.",
  responses: {
    200: {
      description: "The canary holds",
      content: { "application/json": { schema: HealthReport } },
    },
    503: {
      description: `\`unhealthy\`: ${ERROR_CODES.unhealthy.description}; the report follows`,
      content: { "application/json": { schema: UnhealthyAnswer } },
    },
    ...errorResponses("method_not_allowed"),
  },
});

/** Routes for the health check, mounted at `/`. */
export function healthRoutes(deps: Pick<AppDeps, "model" | "runtime">, heavy: HeavyWork) {
  const started = Date.now();
  const { health, admission } = heavy;
  return new OpenAPIHono({ defaultHook: refuseBadInput }).openapi(healthRoute, async (c) => {
    // Only the very first call of an app built without a started monitor waits for a canary run.
    const canary = health.status() ?? await health.check();
    health.refreshIfStale();
    const report = {
      status: health.healthy ? "ok" as const : "unhealthy" as const,
      model: `${deps.model.name}@${deps.model.version}`,
      ...deps.runtime(),
      uptimeS: Math.round((Date.now() - started) / 1000),
      canary: health.status() ?? canary,
      memory: health.memory(),
      admission: { ...admission.state(), ...admission.settings },
    };
    if (health.healthy) return c.json(report, 200);
    return c.json({
      error: `the inference backend failed its self-check: ${health.reason}`,
      code: "unhealthy" as const,
      ...report,
    }, 503);
  });
}
