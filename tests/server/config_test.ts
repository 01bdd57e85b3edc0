import { assertEquals, assertThrows } from "../assert.ts";
import {
  configFromEnv,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MODEL_DIR,
  parseCorsOrigins,
} from "../../src/server/config.ts";

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("configFromEnv defaults: port 8000, all interfaces, 10 MB bodies, models/default", () => {
  const config = configFromEnv(envOf({}));
  assertEquals([config.port, config.hostname, config.maxBodyBytes], [8000, "0.0.0.0", 10485760]);
  assertEquals(DEFAULT_MAX_BODY_BYTES, 10 * 1024 * 1024);
  assertEquals(config.modelDir, DEFAULT_MODEL_DIR);
  assertEquals([config.maxPixels, config.maxClassifyFaces], [4096 * 4096, 64]);
});

Deno.test("configFromEnv reads every variable and names the bad one", async () => {
  const config = configFromEnv(envOf({
    PORT: "9001",
    HOSTNAME: "127.0.0.1",
    MODEL_DIR: "/tmp/m",
    MAX_BODY_BYTES: "2048",
    MAX_PIXELS: "100",
    MAX_CLASSIFY_FACES: "40",
  }));
  assertEquals(config, {
    port: 9001,
    hostname: "127.0.0.1",
    modelDir: "/tmp/m",
    maxBodyBytes: 2048,
    maxPixels: 100,
    maxClassifyFaces: 40,
    maxInFlight: 1,
    maxQueue: 16,
    requestBudgetMs: 10_000,
    canaryIntervalMs: 30_000,
    corsOrigins: [],
  });
  await assertThrows(
    () => configFromEnv(envOf({ PORT: "80000" })),
    'PORT must be an integer from 1 to 65535, got "80000"',
  );
  await assertThrows(() => configFromEnv(envOf({ MAX_BODY_BYTES: "10MB" })), "MAX_BODY_BYTES");
  await assertThrows(() => configFromEnv(envOf({ MAX_CLASSIFY_FACES: "0" })), "MAX_CLASSIFY_FACES");
});

Deno.test("admission and canary settings: defaults, overrides and bounds", async () => {
  const defaults = configFromEnv(envOf({}));
  assertEquals(
    [defaults.maxInFlight, defaults.maxQueue, defaults.requestBudgetMs, defaults.canaryIntervalMs],
    [1, 16, 10_000, 30_000],
  );
  const set = configFromEnv(envOf({
    MAX_IN_FLIGHT: "2",
    MAX_QUEUE: "0",
    REQUEST_BUDGET_MS: "2500",
    CANARY_INTERVAL_MS: "5000",
  }));
  assertEquals([set.maxInFlight, set.maxQueue, set.requestBudgetMs, set.canaryIntervalMs], [
    2,
    0,
    2500,
    5000,
  ]);
  await assertThrows(
    () => configFromEnv(envOf({ MAX_IN_FLIGHT: "0" })),
    'MAX_IN_FLIGHT must be an integer from 1 to 64, got "0"',
  );
  await assertThrows(() => configFromEnv(envOf({ MAX_QUEUE: "-1" })), "MAX_QUEUE");
  await assertThrows(() => configFromEnv(envOf({ REQUEST_BUDGET_MS: "1.5" })), "REQUEST_BUDGET_MS");
});

Deno.test("CORS_ORIGINS: off by default, a list of exact origins, anything else refused", async () => {
  assertEquals(configFromEnv(envOf({})).corsOrigins, []);
  assertEquals(parseCorsOrigins(" https://a.example , http://localhost:5173,"), [
    "https://a.example",
    "http://localhost:5173",
  ]);
  for (
    const bad of ["*", "https://a.example/", "a.example", "https://a.example/app", "ftp://a.b"]
  ) {
    await assertThrows(
      () => configFromEnv(envOf({ CORS_ORIGINS: `https://ok.example,${bad}` })),
      `CORS_ORIGINS must list origins like https://app.example`,
    );
  }
});
