/**
 * fer-edge server entry point, for `deno task start` and for Deno Deploy: loads the model and the
 * face detector once (wasm backend, warmed up), then serves the API and the camera page.
 *
 * Environment: `PORT` (8000), `HOSTNAME` (0.0.0.0), `MODEL_DIR` (models/default), `MAX_BODY_BYTES`
 * (10 MB), `MAX_PIXELS` (4096²), `MAX_CLASSIFY_FACES` (64).
 *
 * @module
 */
import { configFromEnv } from "./src/server/config.ts";
import { loadServices } from "./src/server/services.ts";
import { createApp } from "./src/server/app.ts";

const config = configFromEnv((name) => Deno.env.get(name));
const services = await loadServices(config);
const { model, runtime } = services.deps;
const { backend, classifier, detector } = services.startupMs;
console.log(
  `fer-edge: model ${model.name}@${model.version} (${model.labels.length} classes, ` +
    `${model.quantization}, ${model.sizeBytes} bytes) on ${runtime().backend}` +
    `${runtime().simd ? "+simd" : ""}, ${runtime().inference} inference; ready in ${
      backend + classifier + detector
    } ms ` +
    `(backend ${backend}, classifier ${classifier}, detector ${detector})`,
);

const app = createApp(services.deps);
const server = Deno.serve({
  port: config.port,
  hostname: config.hostname,
  onListen: ({ hostname, port }) =>
    console.log(`fer-edge: listening on http://${hostname}:${port}/`),
}, app.fetch);

// Deno Deploy stops instances with SIGINT and allows 5 s: finish in-flight requests, then exit.
const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
for (const signal of signals) {
  Deno.addSignalListener(signal, async () => {
    await server.shutdown();
    services.dispose();
    Deno.exit(0);
  });
}
