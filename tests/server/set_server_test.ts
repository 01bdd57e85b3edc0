/**
 * The server with a model set: `GET /api/model` describes the members (name, version, weight,
 * size, mirror tie) and the set's version; `POST /api/classify` answers the set's calibrated
 * weighted mean (computed here without the set code), with and without mirror views; a bad batch
 * changes nothing; `main.ts` serves a set from `MODEL_DIR`.
 *
 * @module
 */
import { join } from "node:path";
import { assertAlmostEquals, assertEquals, assertOk } from "../assert.ts";
import { assertError, LABELS, postTo } from "./api_assert.ts";
import { faceBatch, fakeDetector, type TestApp, tinyApp } from "./helpers.ts";
import { modelVersion } from "../../src/classifier/load.ts";
import { readModelMetadata } from "../../src/model/io.ts";
import { useWasmBackend } from "../../src/backend.ts";
import { expectedSetRows, TINY_SET_MEMBERS, writeTinySet } from "../classifier/tiny_set.ts";

await useWasmBackend();
const TEMPERATURE = 0.7;
const dir = await Deno.makeTempDir({ prefix: "fer-set-server-" });
const setDir = await writeTinySet(dir, TEMPERATURE);
const t: TestApp = await tinyApp(fakeDetector(), {}, setDir);
globalThis.addEventListener("unload", () => {
  void t.close().then(() => Deno.remove(dir, { recursive: true }));
});

const faces = (count: number) => {
  const batch = faceBatch(count);
  return Array.from({ length: count }, (_, i) => batch.subarray(i * 2304, (i + 1) * 2304));
};

Deno.test("GET /api/model describes a set: its members, their weights and versions", async () => {
  const body = await (await t.app.request("/api/model")).json();
  assertEquals([body.kind, body.name, body.version], [
    "set",
    "tiny-set",
    await modelVersion(setDir),
  ]);
  assertEquals([body.temperature, body.mirrorSymmetric, body.labels], [TEMPERATURE, false, LABELS]);
  const sizes = await Promise.all(
    TINY_SET_MEMBERS.map(async (m) => (await readModelMetadata(join(setDir, m.path))).sizeBytes),
  );
  assertEquals(body.sizeBytes, sizes[0] + sizes[1]);
  assertEquals(body.members.length, 2);
  // Members with other pixel scales and mirror ties share no steps.
  assertEquals(body.sharedSteps, 0);
  for (const [i, m] of TINY_SET_MEMBERS.entries()) {
    const member = body.members[i];
    assertEquals(
      [member.path, member.name, member.weight, member.mirrorSymmetric, member.sizeBytes],
      [m.path, `tiny-${m.path}`, m.weight / 4, m.mirrorSymmetric, sizes[i]],
    );
    assertEquals(member.version, await modelVersion(join(setDir, m.path)));
    assertAlmostEquals(member.input.scale, m.scale, 1e-12);
  }
});

Deno.test("POST /api/classify with a set answers the set's calibrated weighted mean", async () => {
  for (const tta of ["none", "flip"] as const) {
    const path = tta === "flip" ? "/api/classify?tta=flip" : "/api/classify";
    const response = await postTo(t.app, path, faceBatch(5), "application/octet-stream");
    assertEquals(response.status, 200);
    const body = await response.json();
    const expected = await expectedSetRows(dir, faces(5), tta, TEMPERATURE);
    body.faces.forEach((face: { scores: Record<string, number>; emotion: string }, i: number) => {
      // The API rounds to 4 decimals.
      LABELS.forEach((e, k) => assertAlmostEquals(face.scores[e], expected[i][k], 6e-5));
      assertEquals(face.emotion, LABELS[expected[i].indexOf(Math.max(...expected[i]))]);
    });
  }
});

Deno.test("a bad batch to a set server is a 4xx, and the next valid batch answers as before", async () => {
  const valid = () => postTo(t.app, "/api/classify", faceBatch(3), "application/octet-stream");
  const before = await (await valid()).json();
  await assertError(
    await postTo(t.app, "/api/classify", new Uint8Array(2305), "application/octet-stream"),
    400,
    "bad_batch_size",
  );
  const after = await (await valid()).json();
  assertEquals(after.faces, before.faces);
});

Deno.test("main.ts serves a set from MODEL_DIR", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-read",
      "--allow-env",
      new URL("../../main.ts", import.meta.url).pathname,
    ],
    env: { PORT: String(port), HOSTNAME: "127.0.0.1", MODEL_DIR: setDir },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stderr = child.stderr.pipeThrough(new TextDecoderStream());
  try {
    let log = "";
    while (!log.includes("listening on")) {
      const { value, done } = await output.read();
      assertOk(!done, `main.ts exited before listening:\n${log}`);
      log += value;
    }
    assertOk(log.includes(`model tiny-set@${await modelVersion(setDir)}`), log);
    const base = `http://127.0.0.1:${port}`;
    const model = await (await fetch(`${base}/api/model`)).json();
    assertEquals([model.kind, model.members.map((m: { path: string }) => m.path)], ["set", [
      "a",
      "b",
    ]]);
    const served = await (await fetch(`${base}/api/classify`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: faceBatch(4) as BodyInit,
    })).json();
    const inProcess =
      await (await postTo(t.app, "/api/classify", faceBatch(4), "application/octet-stream")).json();
    assertEquals(served.faces, inProcess.faces);
    child.kill("SIGINT");
    assertEquals((await child.status).code, 0);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await child.status;
    await output.cancel();
    await stderr.cancel();
  }
});
