/**
 * `main.ts` as `deno task start` runs it: serves on `PORT`, shuts down cleanly on SIGINT, refuses bad
 * configuration clearly.
 */
import { assertEquals, assertOk } from "../assert.ts";
import { writeTinyModelDir } from "../classifier/tiny_model.ts";
import { useWasmBackend } from "../../src/backend.ts";

// The tiny model is written on wasm too (the cpu backend would print its tfjs-node banner).
await useWasmBackend();

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function start(env: Record<string, string>): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-read", "--allow-env", MAIN],
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

Deno.test("main.ts serves the API on PORT with the model in MODEL_DIR", async () => {
  const dir = await writeTinyModelDir();
  const port = freePort();
  const child = start({
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    MODEL_DIR: dir,
    CORS_ORIGINS: "https://a.example",
  });
  const output = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stderr = child.stderr.pipeThrough(new TextDecoderStream());
  try {
    let log = "";
    while (!log.includes("listening on")) {
      const { value, done } = await output.read();
      assertOk(!done, `main.ts exited before listening:\n${log}`);
      log += value;
    }
    assertOk(/model tiny-test@[0-9a-f]{12} .* on wasm\+simd, folded inference/.test(log), log);
    assertOk(log.includes(`listening on http://127.0.0.1:${port}/`), log);
    assertOk(/canary \d+\)/.test(log), `the start-up line times the canary baseline: ${log}`);
    const healthResponse = await fetch(`http://127.0.0.1:${port}/healthz`);
    assertEquals(healthResponse.headers.get("x-content-type-options"), "nosniff");
    assertEquals(healthResponse.headers.get("access-control-allow-origin"), null, "no Origin sent");
    const health = await healthResponse.json();
    assertEquals([health.status, health.backend], ["ok", "wasm"]);
    // The baseline canary ran at start-up, on the real detector and the served model.
    assertEquals([health.canary.ok, health.canary.runs], [true, 1]);
    assertOk(health.memory.numTensors > 0 && health.memory.wasmHeapBytes > 0, "memory figures");
    assertEquals([health.admission.maxInFlight, health.admission.maxQueue], [1, 16]);
    const modelResponse = await fetch(`http://127.0.0.1:${port}/api/model`, {
      headers: { origin: "https://a.example" },
    });
    assertEquals(modelResponse.headers.get("access-control-allow-origin"), "https://a.example");
    const model = await modelResponse.json();
    assertEquals(model.name, "tiny-test");
    // Deploy's stop signal: a graceful shutdown exits 0.
    child.kill("SIGINT");
    assertEquals((await child.status).code, 0);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await child.status;
    await output.cancel();
    await stderr.cancel();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main.ts exits with a clear message for bad settings or a missing model", async () => {
  for (
    const [env, message] of [
      [{ PORT: "eighty" }, 'PORT must be an integer from 1 to 65535, got "eighty"'],
      [{ MODEL_DIR: "/nonexistent-model" }, "no exported model in /nonexistent-model"],
      [{ CORS_ORIGINS: "*" }, "CORS_ORIGINS must list origins like https://app.example"],
      [{ MAX_QUEUE: "lots" }, 'MAX_QUEUE must be an integer from 0 to 10000, got "lots"'],
    ] as const
  ) {
    const out = await start(env).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assertOk(!out.success, "exits non-zero");
    assertOk(stderr.includes(message), stderr);
  }
});
