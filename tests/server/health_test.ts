/**
 * `/healthz` tells the truth: it reports a recent canary inference and the memory figures, stays
 * a cached answer (the canary runs at most once per interval, in the background), and turns 503
 * once the backend is broken, whether the break shows as a trap (a 500 of a heavy route) or as
 * wrong numbers. Heavy routes then answer 503 `unavailable` instead of wrong answers, and the
 * process asks to exit.
 */
import * as tf from "@tensorflow/tfjs";
import { assertEquals, assertOk } from "../assert.ts";
import { assertError, postTo } from "./api_assert.ts";
import {
  faceBatch,
  fakeDetector,
  fixture,
  Hold,
  patternPng,
  type TestApp,
  tinyApp,
} from "./helpers.ts";
import type { FaceClassifier, FaceScores } from "../../src/classifier/classifier.ts";
import { canaryMismatch, type CanaryReading } from "../../src/server/canary.ts";
import { HealthMonitor } from "../../src/server/health.ts";
import { exitWhenUnhealthy } from "../../src/server/lifecycle.ts";
import { createApp } from "../../routes/app.ts";

const FACE_JPG = await fixture("e2e/fixtures/face.jpg");

/** A classifier that can be broken on demand: `trap` throws as a wasm trap does, `skew` lies. */
class BreakableClassifier implements FaceClassifier {
  mode: "ok" | "trap" | "skew" = "ok";
  constructor(readonly inner: FaceClassifier) {}
  get labels(): readonly string[] {
    return this.inner.labels;
  }
  get faceBytes(): number {
    return this.inner.faceBytes;
  }
  async classify(faces: readonly Uint8Array[]): Promise<FaceScores[]> {
    if (this.mode === "trap") throw new WebAssembly.RuntimeError("memory access out of bounds");
    const scores = await this.inner.classify(faces);
    if (this.mode === "ok") return scores;
    // Wrong numbers, still a distribution: the scores rotated by one class.
    return scores.map((face) => {
      const values = Object.values(face.scores);
      const labels = Object.keys(face.scores);
      const rotated = Object.fromEntries(
        labels.map((l, i) => [l, values[(i + 1) % values.length]]),
      );
      return { ...face, scores: rotated };
    });
  }
}

/** A test app around a {@link BreakableClassifier}, with a clock the test moves. */
async function breakableApp(): Promise<
  { t: TestApp; broken: () => BreakableClassifier; clock: { now: number } }
> {
  const clock = { now: 1_000_000 };
  let breakable: BreakableClassifier | undefined;
  const t = await tinyApp(fakeDetector(), {}, undefined, {
    wrapClassifier: (inner) => breakable = new BreakableClassifier(inner),
    healthOptions: { now: () => clock.now, intervalMs: 30_000 },
  });
  return { t, broken: () => breakable!, clock };
}

// deno-lint-ignore no-explicit-any
async function healthz(t: TestApp): Promise<{ status: number; body: Record<string, any> }> {
  const response = await t.app.request("/healthz");
  return { status: response.status, body: await response.json() };
}

Deno.test("/healthz reports the canary, numTensors, the wasm heap and RSS", async () => {
  const t = await tinyApp();
  try {
    const { status, body } = await healthz(t);
    assertEquals([status, body.status], [200, "ok"]);
    assertEquals(body.canary.ok, true);
    assertOk(body.canary.runs >= 1 && body.canary.ms >= 0, JSON.stringify(body.canary));
    assertOk(Math.abs(Date.parse(body.canary.checkedAt) - Date.now()) < 60_000);
    assertEquals(body.memory.numTensors, tf.memory().numTensors);
    assertOk(body.memory.wasmHeapBytes > 0 && body.memory.wasmHeapBytes % 65536 === 0);
    assertOk(body.memory.rssBytes > 10_000_000, `rss ${body.memory.rssBytes}`);
    assertEquals(body.admission, {
      inFlight: 0,
      queued: 0,
      refused: 0,
      maxInFlight: 1,
      maxQueue: 16,
      requestBudgetMs: 10_000,
    });
    const head = await t.app.request("/healthz", { method: "HEAD" });
    assertEquals(head.status, 200);
  } finally {
    await t.close();
  }
});

Deno.test("/healthz serves a cached canary and refreshes it at most once per interval", async () => {
  let probes = 0;
  const hold = new Hold();
  const clock = { now: 0 };
  const reading: CanaryReading = { faces: [], scores: [[0.5, 0.5]] };
  const health = new HealthMonitor(async () => {
    probes++;
    await hold.pass();
    return reading;
  }, { now: () => clock.now, intervalMs: 30_000 });
  const t = await tinyApp(undefined, {}, undefined, { health });
  try {
    assertEquals(probes, 1, "the baseline run at start-up");
    for (let i = 0; i < 20; i++) assertEquals((await healthz(t)).status, 200);
    clock.now += 29_999;
    await healthz(t);
    assertEquals(probes, 1, "no canary on every call");
    // Past the interval, the next call starts a run but does not wait for it, even a slow one.
    hold.close();
    clock.now += 1;
    const first = await healthz(t);
    assertEquals([first.status, first.body.canary.runs], [200, 1], "the cached result");
    assertEquals(probes, 2);
    await healthz(t);
    assertEquals(probes, 2, "one run at a time");
    hold.open();
    await health.check();
    assertEquals((await healthz(t)).body.canary.runs, 2, "the refreshed result");
  } finally {
    hold.open();
    await t.close();
  }
});

Deno.test("a trapped backend: the 500 triggers the canary, then 503s and an exit", async () => {
  const { t, broken } = await breakableApp();
  const log = console.error;
  const logged: string[] = [];
  console.error = (...args: unknown[]) => logged.push(args.map(String).join(" "));
  const shutdowns: number[] = [];
  const exits: number[] = [];
  const exited = exitWhenUnhealthy(t.health, {
    shutdown: () => Promise.resolve(void shutdowns.push(1)),
  }, { exit: (code) => exits.push(code), drainMs: 50 });
  try {
    const before = await (await postTo(t.app, "/api/predict", FACE_JPG, "image/jpeg")).json();
    assertEquals(before.faces.length, 1);
    broken().mode = "trap";
    await assertError(
      await postTo(t.app, "/api/predict", FACE_JPG, "image/jpeg"),
      500,
      "internal_error",
    );
    assertEquals(await exited, 1);
    assertEquals([shutdowns.length, exits], [1, [1]]);
    assertEquals(t.health.healthy, false);
    const { status, body } = await healthz(t);
    assertEquals([status, body.status, body.code, body.canary.ok], [
      503,
      "unhealthy",
      "unhealthy",
      false,
    ]);
    assertOk(body.error.includes("memory access out of bounds"), body.error);
    for (
      const send of [
        () => postTo(t.app, "/api/predict", FACE_JPG, "image/jpeg"),
        () => postTo(t.app, "/api/classify", faceBatch(2)),
      ]
    ) {
      const response = await send();
      assertOk(/^\d+$/.test(response.headers.get("retry-after") ?? ""));
      await assertError(response, 503, "unavailable");
    }
    // Input errors are still the client's to fix, and say so.
    await assertError(
      await postTo(t.app, "/api/predict", "text", "text/plain"),
      415,
      "unsupported_media_type",
    );
    assertOk(logged.some((line) => line.includes("unhealthy")), logged.join("\n"));
  } finally {
    console.error = log;
    await t.close();
  }
});

Deno.test("wrong numbers without any error are caught by the next canary run", async () => {
  const { t, broken, clock } = await breakableApp();
  const log = console.error;
  console.error = () => {};
  try {
    const before = await (await postTo(t.app, "/api/classify", faceBatch(2))).json();
    broken().mode = "skew";
    const wrong = await (await postTo(t.app, "/api/classify", faceBatch(2))).json();
    assertOk(
      JSON.stringify(wrong.faces) !== JSON.stringify(before.faces),
      "the break changes answers",
    );
    assertEquals((await healthz(t)).status, 200, "not checked yet: within the interval");
    clock.now += 30_000;
    await healthz(t); // starts the canary in the background
    await t.health.check();
    const { status, body } = await healthz(t);
    assertEquals([status, body.code], [503, "unhealthy"]);
    assertOk(body.canary.error.includes("differ"), body.canary.error);
    await assertError(await postTo(t.app, "/api/classify", faceBatch(2)), 503, "unavailable");
  } finally {
    console.error = log;
    await t.close();
  }
});

Deno.test("one failed canary run is re-checked: a passing hiccup keeps the server healthy", async () => {
  let calls = 0;
  const health = new HealthMonitor(() => {
    calls++;
    if (calls === 2) return Promise.reject(new Error("transient allocation failure"));
    return Promise.resolve({ faces: [], scores: [[1]] });
  });
  await health.start();
  const status = await health.check();
  assertEquals([status.ok, status.runs, calls, health.healthy], [true, 3, 3, true]);
  const t = await tinyApp(undefined, {}, undefined, { health });
  try {
    assertEquals((await healthz(t)).status, 200);
    const png = patternPng(64, 64);
    assertEquals((await postTo(t.app, "/api/predict", png, "image/png")).status, 200);
  } finally {
    await t.close();
  }
});

Deno.test("createApp without a monitor records the canary baseline on the first /healthz", async () => {
  const t = await tinyApp();
  try {
    const app = createApp({ ...t.deps, health: undefined });
    const body = await (await app.request("/healthz")).json();
    assertEquals([body.status, body.canary.ok, body.canary.runs], ["ok", true, 1]);
  } finally {
    await t.close();
  }
});

Deno.test("an exit waits for the drain at most drainMs, even when shutdown hangs", async () => {
  const health = new HealthMonitor(() => Promise.reject(new Error("broken")));
  const exits: number[] = [];
  const log = console.error;
  console.error = () => {};
  try {
    const exited = exitWhenUnhealthy(health, { shutdown: () => new Promise(() => {}) }, {
      exit: (code) => exits.push(code),
      drainMs: 20,
    });
    await health.check(); // the first run fails as a baseline could not be taken
    assertEquals(await exited, 1);
    assertEquals(exits, [1]);
  } finally {
    console.error = log;
  }
});

Deno.test("canaryMismatch: same within tolerance, else says what differs", () => {
  const base: CanaryReading = { faces: [[10, 20, 100, 100, 0.9]], scores: [[0.2, 0.8]] };
  assertEquals(canaryMismatch(base, structuredClone(base)), undefined);
  assertEquals(
    canaryMismatch(base, { faces: [[10.05, 20, 100, 100, 0.9004]], scores: [[0.2004, 0.7996]] }),
    undefined,
  );
  assertOk(canaryMismatch(base, { faces: [], scores: base.scores })?.includes("0 faces detected"));
  assertOk(canaryMismatch(base, { faces: base.faces, scores: [[0.21, 0.79]] })?.includes("differ"));
  assertOk(canaryMismatch(base, { faces: base.faces, scores: [[NaN, 0.8]] })?.includes("differ"));
  assertOk(canaryMismatch(base, { faces: [[10, 20, 100, 100, 0.7]], scores: base.scores }));
});

Deno.test("a canary run that never finishes counts as failed", async () => {
  let calls = 0;
  const health = new HealthMonitor(() => {
    calls++;
    if (calls === 1) return Promise.resolve({ faces: [], scores: [[1]] });
    return new Promise<CanaryReading>(() => {}); // stuck, e.g. a promise nobody settles
  }, { timeoutMs: 20 });
  const log = console.error;
  console.error = () => {};
  try {
    await health.start();
    const status = await health.check();
    assertEquals([status.ok, health.healthy], [false, false]);
    assertOk(status.error?.includes("no result within 20 ms"), status.error);
  } finally {
    console.error = log;
  }
});
