/**
 * `routes/static.ts` through `app.request`: the page, its modules, the vendored runtime files with the
 * right content types, no way out of the served folders, and fall-through for unknown paths so the
 * API routes mounted after it still answer.
 *
 * @module
 */
import { Hono } from "hono";
import {
  classifierDir,
  contentTypeFor,
  safeFileUrl,
  STATIC_DIR,
  staticRoutes,
  vendorFiles,
} from "../../routes/static.ts";
import { assertEquals, assertOk } from "../assert.ts";

const app = new Hono().route("/", staticRoutes).get("/api/ping", (c) => c.json({ pong: true }));

Deno.test("GET / serves the camera page and its ES modules", async () => {
  const page = await app.request("/");
  assertEquals(page.status, 200);
  assertEquals(page.headers.get("content-type"), "text/html; charset=utf-8");
  const html = await page.text();
  assertOk(html.includes('<script type="module" src="/js/app.js">'));
  const js = await app.request("/js/app.js");
  assertEquals(js.headers.get("content-type"), "text/javascript; charset=utf-8");
  assertOk((await js.text()).includes("createFaceDetector"));
});

Deno.test("every vendored runtime file exists and is served with its type, no CDN needed", async () => {
  for (const [path, file] of vendorFiles()) {
    const size = (await Deno.stat(file)).size;
    const response = await app.request(`/vendor/${path}`, { method: "HEAD" });
    assertEquals(response.status, 200, path);
    assertEquals(response.headers.get("content-length"), String(size), path);
    assertEquals(response.headers.get("content-type"), contentTypeFor(path), path);
  }
  const wasm = await app.request("/vendor/tasks-vision/vision_wasm_internal.wasm");
  const head = new Uint8Array(await wasm.arrayBuffer()).subarray(0, 4);
  assertEquals([...head], [0, 0x61, 0x73, 0x6d], "a wasm module");
  assertEquals((await app.request("/vendor/tasks-vision/package.json")).status, 404);
});

Deno.test("paths cannot leave the served folders", async () => {
  for (
    const path of [
      "/../deno.json",
      "/%2e%2e/deno.json",
      "/js/%2e%2e/%2e%2e/deno.json",
      "/.git/HEAD",
    ]
  ) {
    const response = await app.request(path);
    assertEquals(response.status, 404, path);
    await response.body?.cancel();
  }
  for (const path of ["/classifier/../deno.json", "/classifier/%2e%2e%2fdeno.json"]) {
    assertEquals((await app.request(path)).status, 404, path);
  }
  assertEquals(safeFileUrl(STATIC_DIR, "a/../../x"), undefined);
  assertEquals(safeFileUrl(STATIC_DIR, "a\\b"), undefined);
  assertEquals(safeFileUrl(STATIC_DIR, "js/app.js")?.href, new URL("js/app.js", STATIC_DIR).href);
});

Deno.test("malformed percent-encodings are 400 JSON, not a 500 URIError", async () => {
  const before = await (await app.request("/js/app.js")).text();
  for (const path of ["/%zz", "/%", "/js/%", "/vendor/%", "/classifier/%", "/%C3%28"]) {
    const response = await app.request(path);
    assertEquals(response.status, 400, path);
    const body = await response.json();
    assertEquals(body.code, "bad_path", path);
    assertOk(typeof body.error === "string" && body.error.length > 10, path);
    assertEquals(await (await app.request("/js/app.js")).text(), before, `after ${path}`);
  }
});

Deno.test("a missing static file is a JSON 404 with a code", async () => {
  for (
    const path of [
      "/vendor/nothing.js",
      "/classifier/nothing.bin",
      "/classifier/%2e%2e%2fdeno.json",
    ]
  ) {
    const response = await app.request(path);
    assertEquals(response.status, 404, path);
    assertEquals((await response.json()).code, "not_found", path);
  }
});

Deno.test("unknown paths fall through to the routes mounted after the static app", async () => {
  const api = await app.request("/api/ping");
  assertEquals(await api.json(), { pong: true });
  assertEquals((await app.request("/no-such-file.js")).status, 404);
});

Deno.test("in-browser mode loads the server's model folder: MODEL_DIR when set", () => {
  assertOk(classifierDir("").href.endsWith("/models/default/"));
  assertEquals(classifierDir("/srv/model").href, "file:///srv/model/");
  assertEquals(classifierDir("rel/m/").href, new URL("rel/m/", `file://${Deno.cwd()}/`).href);
});
