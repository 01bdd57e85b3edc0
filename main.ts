/**
 * fer-edge server entry point, for `deno task start` and for Deno Deploy: loads the model and the
 * face detector once (wasm backend, warmed up), records the canary inference, then serves the API
 * and the camera page.
 *
 * Environment (defaults in brackets):
 * - `PORT` (8000), `HOSTNAME` (0.0.0.0), `MODEL_DIR` (models/default).
 * - `MAX_BODY_BYTES` (10 MB), `MAX_PIXELS` (4096²), `MAX_CLASSIFY_FACES` (64): request limits.
 * - `MAX_IN_FLIGHT` (1): heavy requests (`/api/predict`, `/api/classify`) running at once. Inference
 *   is synchronous wasm on the one JS thread, so more slots add memory, not throughput.
 * - `MAX_QUEUE` (16): heavy requests waiting for a slot; beyond that, 503 `overloaded` with
 *   `Retry-After`. Cheap refusals (bad query, content type, declared size, file signature and
 *   header) are answered before queueing.
 * - `REQUEST_BUDGET_MS` (10000): the longest a heavy request waits for its slot before a 503
 *   `queue_timeout` with `Retry-After`. Work that has started is not interrupted (it cannot be: it
 *   is synchronous wasm) and is bounded by the pixel and detector limits instead.
 * - `CANARY_INTERVAL_MS` (30000): `/healthz` re-runs the canary (a fixed input through detector and
 *   classifier, compared with its start-up result) when its last run is older than this; so does a
 *   timer, and any unexpected 500 of a heavy route triggers a run at once.
 * - `CORS_ORIGINS` (none): comma-separated origins allowed to call `/api/*` and `/healthz` from
 *   another site, e.g. `https://a.example,https://b.example`. Unset: no CORS headers at all.
 *
 * When the canary fails twice in a row the tfjs backend can no longer be trusted (a wasm trap, a
 * corrupted heap; wasm memory never shrinks either): `/healthz` answers 503, heavy routes answer 503
 * `unavailable`, and the process exits with status 1 after at most 3 s of draining so that its
 * supervisor (Deploy, systemd, a container runtime) starts a fresh one (see `lifecycle.ts` for why
 * not re-initialise in place).
 *
 * @module
 */
import { configFromEnv } from "./src/server/config.ts";
import { loadServices } from "./src/server/services.ts";
import { createApp } from "./routes/app.ts";
import { exitWhenUnhealthy } from "./src/server/lifecycle.ts";
import { defineFlags, parseFlags } from "./term/flags.ts";
import { reportError } from "./term/run_main.ts";

const FLAGS = defineFlags({
  help: `deno task start

Serves the API and the camera page (docs/api.md). It takes no flags; settings come from the
environment, defaults in brackets:
  PORT (8000), HOSTNAME (0.0.0.0), MODEL_DIR (models/default)
  MAX_BODY_BYTES (10 MB), MAX_PIXELS (4096x4096), MAX_CLASSIFY_FACES (64)   request limits
  MAX_IN_FLIGHT (1), MAX_QUEUE (16), REQUEST_BUDGET_MS (10000)             admission
  CANARY_INTERVAL_MS (30000)   how often /healthz re-runs the canary inference
  CORS_ORIGINS (none)          comma-separated origins allowed to call /api/* and /healthz
`,
  options: {},
});
try {
  parseFlags(Deno.args, FLAGS);
} catch (error) {
  Deno.exit(reportError("start", error));
}

const config = configFromEnv((name) => Deno.env.get(name));
const services = await loadServices(config);
const { model, runtime } = services.deps;
const { backend, classifier, detector, canary } = services.startupMs;
console.log(
  `fer-edge: model ${model.name}@${model.version} (${model.labels.length} classes, ` +
    `${model.quantization}, ${model.sizeBytes} bytes) on ${runtime().backend}` +
    `${runtime().simd ? "+simd" : ""}, ${runtime().inference} inference; ready in ${
      backend + classifier + detector + canary
    } ms ` +
    `(backend ${backend}, classifier ${classifier}, detector ${detector}, canary ${canary})`,
);

const app = createApp(services.deps);
const server = Deno.serve({
  port: config.port,
  hostname: config.hostname,
  onListen: ({ hostname, port }) =>
    console.log(`fer-edge: listening on http://${hostname}:${port}/`),
}, app.fetch);

// The canary also runs on a timer, so a server nobody probes still notices a broken backend.
const canaryTimer = setInterval(() => services.health.refreshIfStale(), config.canaryIntervalMs);
Deno.unrefTimer(canaryTimer);

void exitWhenUnhealthy(services.health, server, { beforeExit: () => clearInterval(canaryTimer) });

// Deno Deploy stops instances with SIGINT and allows 5 s: finish in-flight requests, then exit.
const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
for (const signal of signals) {
  Deno.addSignalListener(signal, async () => {
    clearInterval(canaryTimer);
    await server.shutdown();
    services.dispose();
    Deno.exit(0);
  });
}
