/**
 * `routes/static.ts` through `app.request`: the page, its modules, the vendored runtime files with the
 * right content types, lengths and cache policy, no way out of the served folders, and fall-through
 * for unknown paths so the API routes mounted after it still answer.
 *
 * @module
 */
import { Hono } from "hono";
import {
  classifierDir,
  createStaticRoutes,
  isServablePath,
  STATIC_DIR,
  staticRoutes,
  vendorFiles,
} from "../../routes/static.ts";
import { assertEquals, assertOk } from "../assert.ts";
import { withTempDir } from "../temp_dir.ts";

/** The content type each served extension must have. */
const CONTENT_TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  wasm: "application/wasm",
  html: "text/html; charset=utf-8",
  json: "application/json",
  bin: "application/octet-stream",
  tflite: "application/octet-stream",
};

/** {@link CONTENT_TYPES} of a file name. */
function contentTypeFor(name: string): string {
  return CONTENT_TYPES[name.slice(name.lastIndexOf(".") + 1)];
}

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
    assertEquals(response.headers.get("cache-control"), "public, max-age=86400", path);
  }
  const wasm = await app.request("/vendor/tasks-vision/vision_wasm_internal.wasm");
  const head = new Uint8Array(await wasm.arrayBuffer()).subarray(0, 4);
  assertEquals([...head], [0, 0x61, 0x73, 0x6d], "a wasm module");
  assertEquals((await app.request("/vendor/tasks-vision/package.json")).status, 404);
});

Deno.test("HEAD answers close the file they opened", async () => {
  // Hono answers HEAD with the GET handler's headers and drops its body: the file stream must be
  // closed by the route, or every HEAD leaks a file descriptor.
  const openFiles = () => [...Deno.readDirSync("/proc/self/fd")].length;
  const before = openFiles();
  for (let i = 0; i < 50; i++) {
    const head = await app.request("/vendor/swagger-ui/swagger-ui.css", { method: "HEAD" });
    assertEquals(head.status, 200);
  }
  assertOk(openFiles() < before + 5, `${openFiles() - before} more open files after 50 HEADs`);
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
  assertEquals(isServablePath("a/../../x"), false);
  assertEquals(isServablePath("a\\b"), false);
  assertEquals(isServablePath(".git/HEAD"), false);
  assertEquals(isServablePath("js/app.js"), true);
  const served = await (await app.request("/js/app.js")).text();
  assertEquals(served, await Deno.readTextFile(new URL("js/app.js", STATIC_DIR)));
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
  assertOk(classifierDir().href.endsWith("/models/default/"));
  assertEquals(classifierDir("/srv/model").href, "file:///srv/model/");
  assertEquals(classifierDir("rel/m/").href, new URL("rel/m/", `file://${Deno.cwd()}/`).href);
  assertEquals(classifierDir(new URL("file:///srv/m")).href, "file:///srv/m/");
});

Deno.test("the model files come from the given folder, uncached, with type and length", async () => {
  await withTempDir("fer-static-", async (dir) => {
    const weights = Uint8Array.from({ length: 300 }, (_, i) => i % 251);
    await Deno.mkdir(`${dir}/member`);
    await Deno.writeFile(`${dir}/member/weights.bin`, weights);
    await Deno.writeTextFile(`${dir}/model.json`, '{"format":"layers-model"}');
    const routes = new Hono().route("/", createStaticRoutes(classifierDir(dir)));
    const json = await routes.request("/classifier/model.json");
    assertEquals(json.headers.get("content-type"), "application/json");
    assertEquals(json.headers.get("cache-control"), "no-cache");
    assertEquals(await json.json(), { format: "layers-model" });
    const head = await routes.request("/classifier/member/weights.bin", { method: "HEAD" });
    assertEquals([head.status, head.headers.get("content-length")], [200, "300"]);
    assertEquals(head.headers.get("content-type"), contentTypeFor("weights.bin"));
    const bin = await routes.request("/classifier/member/weights.bin");
    assertEquals(new Uint8Array(await bin.arrayBuffer()), weights);
    // A file below a file, a folder, and a dot-file are all 404s.
    for (const path of ["/classifier/model.json/x", "/classifier/member", "/classifier/.hidden"]) {
      const response = await routes.request(path);
      assertEquals([response.status, (await response.json()).code], [404, "not_found"], path);
    }
    // The model that was served before is still served the same.
    assertEquals(await (await routes.request("/classifier/model.json")).json(), {
      format: "layers-model",
    });
  });
});
