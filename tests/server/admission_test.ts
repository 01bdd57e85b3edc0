/**
 * Admission control, deterministically: the heavy routes' work is held open with a {@link Hold}, so
 * the tests know exactly which requests run, which wait, and which must be refused. Cheap refusals
 * are answered while a slot is held; a full queue and an over-budget wait get 503 with
 * `Retry-After`; held requests then finish with the same answers as before.
 */
import { assertEquals, assertOk, assertThrows } from "../assert.ts";
import { assertError, postTo } from "./api_assert.ts";
import {
  faceBatch,
  fixture,
  heldClassifier,
  heldDetector,
  Hold,
  pngClaiming,
  type TestApp,
  tinyApp,
} from "./helpers.ts";
import { Admission } from "../../src/server/admission.ts";
import { HeavyWork, YIELD_EVERY_MS } from "../../src/server/heavy.ts";
import { HealthMonitor } from "../../src/server/health.ts";
import { ApiError } from "../../src/server/errors.ts";

const FACE_JPG = await fixture("e2e/fixtures/face.jpg");

/** Resolves with `promise`'s value, or with "pending" if it has not settled within `ms`. */
function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | "pending"> {
  let timer: ReturnType<typeof setTimeout>;
  const late = new Promise<"pending">((resolve) => timer = setTimeout(resolve, ms, "pending"));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Checks a 503 busy answer: JSON `{error, code}` and a whole number of seconds in Retry-After. */
async function assertBusy(response: Response, code: string): Promise<void> {
  const retryAfter = response.headers.get("retry-after") ?? "";
  await assertError(response, 503, code);
  assertOk(/^[1-9]\d*$/.test(retryAfter), `Retry-After: "${retryAfter}"`);
}

/** Polls `/healthz` until its admission counts are `inFlight` and `queued` (requests queue async). */
async function waitForQueue(t: TestApp, inFlight: number, queued: number): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    const { admission } = await (await t.app.request("/healthz")).json();
    if (admission.inFlight === inFlight && admission.queued === queued) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the queue never reached ${inFlight} running, ${queued} waiting`);
}

/** An app whose detector and classifier both wait at `hold`. */
async function heldApp(hold: Hold, limits: Parameters<typeof tinyApp>[1]): Promise<TestApp> {
  return await tinyApp(heldDetector(hold), limits, undefined, {
    wrapClassifier: (classifier) => heldClassifier(classifier, hold),
  });
}

Deno.test("a full queue gets 503 overloaded at once; cheap refusals never wait", async () => {
  const hold = new Hold();
  const t = await heldApp(hold, { maxInFlight: 1, maxQueue: 2 });
  try {
    const predict = () => postTo(t.app, "/api/predict", FACE_JPG, "image/jpeg");
    const classify = () => postTo(t.app, "/api/classify", faceBatch(3));
    const expected = [await (await predict()).json(), await (await classify()).json()];
    hold.close();
    const running = predict();
    await hold.reached(hold.calls + 1); // the first request holds the only slot
    const queued = [classify(), predict()];
    await waitForQueue(t, 1, 2);
    await assertBusy(await predict(), "overloaded");
    await assertBusy(await classify(), "overloaded");
    const cheap: [string, () => Promise<Response>, number, string][] = [
      ["bad query", () => postTo(t.app, "/api/predict?detect=maybe", FACE_JPG), 400, "bad_query"],
      [
        "wrong type",
        () => postTo(t.app, "/api/predict", "hi", "text/plain"),
        415,
        "unsupported_media_type",
      ],
      [
        "signature",
        () => postTo(t.app, "/api/predict", "not an image", "image/jpeg"),
        415,
        "unsupported_format",
      ],
      [
        "header size",
        () => postTo(t.app, "/api/predict", pngClaiming(50000, 50000)),
        413,
        "image_too_large",
      ],
      [
        "declared type",
        () => postTo(t.app, "/api/predict", FACE_JPG, "image/gif"),
        415,
        "unsupported_format",
      ],
      ["empty", () => postTo(t.app, "/api/predict", new Uint8Array(0)), 400, "empty_body"],
      [
        "truncated JPEG",
        () => postTo(t.app, "/api/predict", FACE_JPG.slice(0, 5000), "image/jpeg"),
        422,
        "undecodable_image",
      ],
      [
        "declared length",
        () =>
          Promise.resolve(t.app.request("/api/predict", {
            method: "POST",
            body: new Uint8Array(16) as BodyInit,
            headers: { "content-length": String(11 * 1024 * 1024) },
          })),
        413,
        "body_too_large",
      ],
      [
        "classify size",
        () => postTo(t.app, "/api/classify", new Uint8Array(100)),
        400,
        "bad_batch_size",
      ],
      [
        "classify json",
        () => postTo(t.app, "/api/classify", "{", "application/json"),
        400,
        "bad_json",
      ],
      ["classify tta", () => postTo(t.app, "/api/classify?tta=x", faceBatch(1)), 400, "bad_query"],
    ];
    for (const [name, send, status, code] of cheap) {
      const response = await settledWithin(send(), 2000);
      assertOk(response !== "pending", `${name} waited behind the held slot`);
      await assertError(response, status, code);
    }
    hold.open();
    const [first, ...rest] = await Promise.all([running, ...queued]);
    const answers = await Promise.all([first, ...rest].map((r) => r.json()));
    assertEquals(answers[0].faces, expected[0].faces);
    assertEquals(answers[1].faces, expected[1].faces);
    assertEquals(answers[2].faces, expected[0].faces);
    // Once drained, the same requests are admitted again and answer the same.
    assertEquals((await (await predict()).json()).faces, expected[0].faces);
    const after = await (await t.app.request("/healthz")).json();
    assertEquals([after.admission.inFlight, after.admission.queued], [0, 0]);
    assertEquals(after.admission.refused, 2);
  } finally {
    hold.open();
    await t.close();
  }
});

Deno.test("a request that waits past its budget gets 503 queue_timeout with Retry-After", async () => {
  const hold = new Hold();
  const t = await heldApp(hold, { maxInFlight: 1, maxQueue: 4, requestBudgetMs: 50 });
  try {
    const classify = () => postTo(t.app, "/api/classify", faceBatch(2));
    const expected = await (await classify()).json();
    hold.close();
    const running = classify();
    await hold.reached(hold.calls + 1);
    const started = performance.now();
    const late = await settledWithin(classify(), 3000);
    assertOk(late !== "pending", "the waiting request was never timed out");
    assertOk(performance.now() - started >= 45, "it waited for its budget first");
    await assertBusy(late, "queue_timeout");
    hold.open();
    assertEquals((await (await running).json()).faces, expected.faces);
    assertEquals((await (await classify()).json()).faces, expected.faces);
  } finally {
    hold.open();
    await t.close();
  }
});

Deno.test("two slots run two requests at once, in arrival order after that", async () => {
  const hold = new Hold();
  const t = await heldApp(hold, { maxInFlight: 2, maxQueue: 1 });
  try {
    hold.close();
    const base = hold.calls;
    const a = postTo(t.app, "/api/classify", faceBatch(1));
    const b = postTo(t.app, "/api/classify", faceBatch(2));
    await hold.reached(base + 2);
    const c = postTo(t.app, "/api/classify", faceBatch(3));
    await waitForQueue(t, 2, 1);
    await assertBusy(await postTo(t.app, "/api/classify", faceBatch(1)), "overloaded");
    hold.open();
    const sizes = await Promise.all(
      [a, b, c].map(async (r) => (await (await r).json()).faces.length),
    );
    assertEquals(sizes, [1, 2, 3]);
  } finally {
    hold.open();
    await t.close();
  }
});

Deno.test("queued synchronous work lets the event loop run between jobs", async () => {
  const health = new HealthMonitor(() => Promise.resolve({ faces: [], scores: [] }));
  await health.start();
  const heavy = new HeavyWork(
    new Admission({ maxInFlight: 1, maxQueue: 8, requestBudgetMs: 10_000 }),
    health,
  );
  const events: string[] = [];
  // Stands in for wasm inference: it holds the thread, and its own await settles as a microtask.
  const busyJob = (name: string) => async () => {
    const until = performance.now() + YIELD_EVERY_MS * 1.5;
    while (performance.now() < until) { /* synchronous work */ }
    await Promise.resolve();
    events.push(name);
  };
  // A timer set now stands for I/O that arrived meanwhile (a cheap refusal, /healthz).
  const timer = new Promise<void>((resolve) =>
    setTimeout(() => resolve(void events.push("io")), 0)
  );
  await Promise.all([...["a", "b", "c", "d"].map((n) => heavy.run(busyJob(n))), timer]);
  const io = events.indexOf("io");
  assertOk(io >= 0 && io < 2, `the timer waited for the whole queue: ${events}`);
  assertEquals(events.filter((e) => e !== "io"), ["a", "b", "c", "d"]);
});

Deno.test("Admission: FIFO order, the slot passes on, bounds and cancellation", async () => {
  const admission = new Admission({ maxInFlight: 1, maxQueue: 2, requestBudgetMs: 10_000 });
  const order: string[] = [];
  let release!: () => void;
  const first = admission.run(() =>
    new Promise<void>((r) => release = r).then(() => order.push("a"))
  );
  const second = admission.run(() => Promise.resolve(order.push("b")));
  const aborter = new AbortController();
  const third = admission.run(() => Promise.resolve(order.push("c")), () => aborter.signal);
  assertEquals(admission.state(), { inFlight: 1, queued: 2, refused: 0 });
  const refused = await assertThrows(() => admission.run(async () => {}));
  assertOk(refused instanceof ApiError);
  assertEquals([refused.status, refused.code], [503, "overloaded"]);
  assertEquals(refused.headers["retry-after"], "1");
  aborter.abort();
  const cancelled = await assertThrows(() => third);
  assertEquals((cancelled as ApiError).code, "cancelled");
  assertEquals(admission.state().queued, 1, "the cancelled request left the queue");
  release();
  await Promise.all([first, second]);
  assertEquals(order, ["a", "b"]);
  assertEquals(admission.state(), { inFlight: 0, queued: 0, refused: 1 });
  // A failing job frees its slot too.
  await assertThrows(() => admission.run(() => Promise.reject(new Error("boom"))), "boom");
  assertEquals(admission.state().inFlight, 0);
  for (const bad of [{ maxInFlight: 0 }, { maxQueue: -1 }, { requestBudgetMs: 0 }]) {
    const error = await assertThrows(() =>
      new Admission({ maxInFlight: 1, maxQueue: 1, requestBudgetMs: 1, ...bad })
    );
    assertOk(error instanceof RangeError, String(error));
  }
});
