import { assertEquals, assertThrows } from "../assert.ts";
import {
  configFromEnv,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MODEL_DIR,
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
  });
  await assertThrows(
    () => configFromEnv(envOf({ PORT: "80000" })),
    'PORT must be an integer from 1 to 65535, got "80000"',
  );
  await assertThrows(() => configFromEnv(envOf({ MAX_BODY_BYTES: "10MB" })), "MAX_BODY_BYTES");
  await assertThrows(() => configFromEnv(envOf({ MAX_CLASSIFY_FACES: "0" })), "MAX_CLASSIFY_FACES");
});
