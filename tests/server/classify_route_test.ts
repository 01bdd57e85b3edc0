/**
 * `POST /api/classify`: batches of pre-cropped 48x48 faces, binary or JSON, and every way such a
 * batch can be wrong, through `app.request` on the real app around the tiny seeded model.
 */
import { assertAlmostEquals, assertEquals, assertOk } from "../assert.ts";
import { assertError, assertWellFormed, LABELS, postTo } from "./api_assert.ts";
import { faceBatch, type TestApp, tinyApp } from "./helpers.ts";

const t: TestApp = await tinyApp();
globalThis.addEventListener("unload", () => void t.close());

function post(
  path: string,
  body: BodyInit | Uint8Array | null,
  contentType?: string,
): Promise<Response> {
  return postTo(t.app, path, body, contentType);
}

Deno.test("POST /api/classify (binary) scores 32 faces, each as if sent alone", async () => {
  const batch = faceBatch(32);
  const response = await post("/api/classify", batch, "application/octet-stream");
  assertEquals(response.status, 200);
  const body = await response.json();
  assertEquals(body.faces.length, 32);
  body.faces.forEach(assertWellFormed);
  assertOk(body.timingsMs.classify >= 0);
  for (const i of [0, 17, 31]) {
    const alone =
      await (await post("/api/classify", faceBatch(32).subarray(i * 2304, (i + 1) * 2304)))
        .json();
    for (const label of LABELS) {
      assertAlmostEquals(body.faces[i].scores[label], alone.faces[0].scores[label], 1.01e-4);
    }
  }
  assertOk(body.faces[0].scores.happy !== body.faces[31].scores.happy, "different faces differ");
});

Deno.test("POST /api/classify (JSON) takes base64 strings or byte arrays", async () => {
  const batch = faceBatch(3);
  const faces = [0, 1, 2].map((i) => batch.slice(i * 2304, (i + 1) * 2304));
  const binary = await (await post("/api/classify", batch, "application/octet-stream")).json();
  const json = JSON.stringify({
    faces: [btoa(String.fromCharCode(...faces[0])), Array.from(faces[1]), Array.from(faces[2])],
  });
  const response = await post("/api/classify", json, "application/json");
  assertEquals(response.status, 200);
  assertEquals((await response.json()).faces, binary.faces);
});

Deno.test("bad classify batches get a 4xx JSON error", async (ctx) => {
  const cases: [string, () => Promise<Response>, number, string][] = [
    [
      "a byte short of one face",
      () => post("/api/classify", new Uint8Array(2303)),
      400,
      "bad_batch_size",
    ],
    [
      "a byte over two faces",
      () => post("/api/classify", faceBatch(3).subarray(0, 4609)),
      400,
      "bad_batch_size",
    ],
    [
      "empty body",
      () => post("/api/classify", new Uint8Array(0), "application/octet-stream"),
      400,
      "bad_batch_size",
    ],
    ["65 faces (limit 64)", () => post("/api/classify", faceBatch(65)), 413, "too_many_faces"],
    [
      "text content type",
      () => post("/api/classify", "faces", "text/plain"),
      415,
      "unsupported_media_type",
    ],
    ["malformed JSON", () => post("/api/classify", "{faces:", "application/json"), 400, "bad_json"],
    [
      "JSON without faces",
      () => post("/api/classify", '{"images":[]}', "application/json"),
      400,
      "bad_json",
    ],
    [
      "JSON empty list",
      () => post("/api/classify", '{"faces":[]}', "application/json"),
      400,
      "bad_batch_size",
    ],
    [
      "JSON face too short",
      () => post("/api/classify", '{"faces":[[1,2,3]]}', "application/json"),
      400,
      "bad_face_size",
    ],
    [
      "JSON value 256",
      () =>
        post(
          "/api/classify",
          JSON.stringify({ faces: [Array(2304).fill(256)] }),
          "application/json",
        ),
      400,
      "bad_face",
    ],
    [
      "JSON bad base64",
      () => post("/api/classify", '{"faces":["%%%"]}', "application/json"),
      400,
      "bad_face",
    ],
    [
      "JSON face as object",
      () => post("/api/classify", '{"faces":[{"a":1}]}', "application/json"),
      400,
      "bad_face",
    ],
    [
      "JSON with 65 faces, refused before decoding any",
      () =>
        post("/api/classify", JSON.stringify({ faces: Array(65).fill("x") }), "application/json"),
      413,
      "too_many_faces",
    ],
  ];
  const valid = () => post("/api/classify", faceBatch(3), "application/octet-stream");
  const before = await (await valid()).json();
  for (const [name, send, status, code] of cases) {
    await ctx.step(name, async () => {
      await assertError(await send(), status, code);
      // The next valid batch gets the same answer as before the bad one.
      assertEquals((await (await valid()).json()).faces, before.faces);
    });
  }
});
