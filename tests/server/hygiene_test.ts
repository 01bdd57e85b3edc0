/**
 * HTTP hygiene through `app.request` on the real app: malformed paths are 400 JSON (not a 500
 * URIError), wrong methods on API routes are 405 with `Allow`, every response carries the security
 * headers, and CORS is off unless origins are listed. After each bad request, a valid one gets the
 * same answer as before it.
 */
import { assertEquals, assertOk } from "../assert.ts";
import { assertError, postTo } from "./api_assert.ts";
import { faceBatch, fixture, type TestApp, tinyApp } from "./helpers.ts";
import { PAGE_CSP } from "../../src/server/hygiene.ts";

const t: TestApp = await tinyApp();
globalThis.addEventListener("unload", () => void t.close());
const FACE_JPG = await fixture("e2e/fixtures/face.jpg");

/** A valid predict and classify, and the page's script: what must not change after bad input. */
async function validAnswers(): Promise<unknown[]> {
  const predict = await (await postTo(t.app, "/api/predict", FACE_JPG, "image/jpeg")).json();
  const classify = await (await postTo(t.app, "/api/classify", faceBatch(2))).json();
  const script = await (await t.app.request("/js/app.js")).text();
  return [predict.faces, classify.faces, script.length];
}

const BEFORE = await validAnswers();

Deno.test("malformed percent-encodings get 400 bad_path JSON, and serving goes on", async (ctx) => {
  const paths = [
    "/%zz",
    "/%",
    "/js/%",
    "/vendor/%",
    "/classifier/%",
    "/vendor/tasks-vision/%E0%A4%A",
    "/api/%zz",
    "/api/predict%",
    "/%C3%28", // percent-encoded bytes that are not UTF-8
    "/js/%00app.js", // a NUL byte
  ];
  for (const path of paths) {
    await ctx.step(path, async () => {
      const response = await t.app.request(path);
      await assertError(response, 400, "bad_path");
      assertEquals(response.headers.get("x-content-type-options"), "nosniff");
      const post = await postTo(t.app, path, FACE_JPG, "image/jpeg");
      await assertError(post, 400, "bad_path");
      assertEquals(await validAnswers(), BEFORE);
    });
  }
});

Deno.test("well-formed encodings still reach their files and routes", async () => {
  const encoded = await t.app.request("/js/%61pp.js"); // %61 = "a"
  assertEquals(encoded.status, 200);
  assertEquals((await encoded.text()).length, BEFORE[2]);
  await assertError(await t.app.request("/api/%6Eothing"), 404, "not_found");
});

Deno.test("wrong methods on API routes get 405 JSON with an Allow header", async (ctx) => {
  const cases: [string, string, string][] = [
    ["GET", "/api/predict", "POST"],
    ["PUT", "/api/predict", "POST"],
    ["DELETE", "/api/classify", "POST"],
    ["PATCH", "/api/classify", "POST"],
    ["OPTIONS", "/api/predict", "POST"],
    ["GET", "/api/classify", "POST"],
    ["POST", "/api/model", "GET, HEAD"],
    ["DELETE", "/api/model", "GET, HEAD"],
    ["POST", "/healthz", "GET, HEAD"],
  ];
  for (const [method, path, allow] of cases) {
    await ctx.step(`${method} ${path}`, async () => {
      const response = await t.app.request(path, { method });
      assertEquals(response.headers.get("allow"), allow);
      await assertError(response, 405, "method_not_allowed");
      assertEquals(await validAnswers(), BEFORE);
    });
  }
  // Unknown paths are still 404s, whatever the method.
  await assertError(await t.app.request("/api/nothing", { method: "POST" }), 404, "not_found");
  const head = await t.app.request("/api/model", { method: "HEAD" });
  assertEquals(head.status, 200);
});

Deno.test("every response says nosniff and no-referrer, errors included", async () => {
  const responses: [string, Response][] = [
    ["page", await t.app.request("/")],
    ["script", await t.app.request("/js/app.js")],
    ["wasm", await t.app.request("/vendor/tfjs-backend-wasm/tfjs-backend-wasm.wasm")],
    ["healthz", await t.app.request("/healthz")],
    ["model", await t.app.request("/api/model")],
    ["predict", await postTo(t.app, "/api/predict", FACE_JPG, "image/jpeg")],
    ["classify", await postTo(t.app, "/api/classify", faceBatch(1))],
    ["404", await t.app.request("/api/nothing")],
    ["static 404", await t.app.request("/vendor/nothing.js")],
    ["405", await t.app.request("/api/predict")],
    ["415", await postTo(t.app, "/api/predict", "text", "text/plain")],
    ["413", await postTo(t.app, "/api/predict", new Uint8Array(10 * 1024 * 1024 + 1))],
    ["400", await t.app.request("/%zz")],
  ];
  for (const [name, response] of responses) {
    assertEquals(response.headers.get("x-content-type-options"), "nosniff", name);
    assertEquals(response.headers.get("referrer-policy"), "no-referrer", name);
    await response.body?.cancel();
  }
  const json = responses.find(([name]) => name === "predict")![1];
  assertEquals(
    json.headers.get("content-security-policy"),
    "default-src 'none'; frame-ancestors 'none'",
  );
  const script = responses.find(([name]) => name === "script")![1];
  assertEquals(
    script.headers.get("content-security-policy"),
    null,
    "workers keep their own policy",
  );
});

Deno.test("the page gets a CSP allowing its wasm, no framing, and camera for itself only", async () => {
  for (const path of ["/", "/index.html"]) {
    const page = await t.app.request(path);
    assertEquals(page.status, 200, path);
    const csp = page.headers.get("content-security-policy") ?? "";
    assertEquals(csp, PAGE_CSP);
    const directives = new Map(
      csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...v]) => [name, v]),
    );
    assertEquals(directives.get("frame-ancestors"), ["'none'"]);
    assertEquals(directives.get("script-src"), ["'self'", "'wasm-unsafe-eval'"]);
    assertOk(!csp.includes("'unsafe-eval'") && !csp.includes("'unsafe-inline'"), csp);
    assertEquals(directives.get("object-src"), ["'none'"]);
    assertOk(page.headers.get("permissions-policy")?.includes("camera=(self)"));
    assertEquals(page.headers.get("x-frame-options"), "DENY");
    // The page has no inline script or style for the policy to break.
    const html = await page.text();
    assertOk(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), "no inline <script>");
    assertOk(!/<style|\sstyle=/.test(html), "no inline styles");
  }
});

Deno.test("CORS is off by default: no Access-Control headers for any origin", async () => {
  const headers = { origin: "https://evil.example" };
  const get = await t.app.request("/api/model", { headers });
  assertEquals(get.status, 200);
  assertEquals(get.headers.get("access-control-allow-origin"), null);
  await get.body?.cancel();
  const preflight = await t.app.request("/api/classify", {
    method: "OPTIONS",
    headers: { ...headers, "access-control-request-method": "POST" },
  });
  assertEquals(preflight.headers.get("access-control-allow-origin"), null);
  await assertError(preflight, 405, "method_not_allowed");
});

Deno.test("CORS_ORIGINS opens the API to the listed origins only", async () => {
  const listed = "https://a.example";
  const open = await tinyApp(undefined, {}, undefined, {
    corsOrigins: [listed, "http://localhost:5173"],
  });
  try {
    const preflight = await open.app.request("/api/classify", {
      method: "OPTIONS",
      headers: {
        origin: listed,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    assertEquals(preflight.status, 204);
    assertEquals(preflight.headers.get("access-control-allow-origin"), listed);
    assertOk(preflight.headers.get("access-control-allow-methods")?.includes("POST"));
    const allowed = await postTo(open.app, "/api/classify", faceBatch(2));
    await allowed.body?.cancel();
    const fromListed = await open.app.request("/api/classify", {
      method: "POST",
      body: faceBatch(2) as BodyInit,
      headers: { origin: listed },
    });
    assertEquals(fromListed.headers.get("access-control-allow-origin"), listed);
    assertOk(fromListed.headers.get("vary")?.toLowerCase().includes("origin"));
    assertEquals((await fromListed.json()).faces, BEFORE[1], "same answer as same-origin");
    for (const origin of ["https://b.example", "https://a.example.evil.example", "null"]) {
      const other = await open.app.request("/api/model", { headers: { origin } });
      assertEquals(other.headers.get("access-control-allow-origin"), null, origin);
      await other.body?.cancel();
    }
    // The page itself is never opened cross-origin.
    const page = await open.app.request("/", { headers: { origin: listed } });
    assertEquals(page.headers.get("access-control-allow-origin"), null);
    await page.body?.cancel();
  } finally {
    await open.close();
  }
});

Deno.test("a body that breaks off mid-read is 400 unreadable_body, and serving goes on", async () => {
  // What Deno's server hands the app when a client sends other than its Content-Length: a body
  // stream that errors partway.
  const broken = () =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(FACE_JPG.subarray(0, 1000));
        controller.error(new Deno.errors.BadResource("the connection ended early"));
      },
    });
  for (const [path, type] of [["/api/predict", "image/jpeg"], ["/api/classify", ""]]) {
    const response = await t.app.request(path, {
      method: "POST",
      headers: type ? { "content-type": type } : {},
      body: broken(),
      // @ts-ignore: Deno's fetch needs it for a stream body
      duplex: "half",
    });
    await assertError(response, 400, "unreadable_body");
  }
  assertEquals(await validAnswers(), BEFORE);
});
