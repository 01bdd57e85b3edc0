/**
 * The API reference page (`/docs`) in real Chromium (Debian's, driven by playwright-core): the real
 * server starts, Swagger UI (served from `node_modules` under `/vendor/swagger-ui/`) renders the
 * server's `/openapi.json`, and the page must show every operation of the document, with no console
 * error (a Content Security Policy refusal would be one) and no request outside the server.
 *
 * @module
 */
/// <reference lib="dom" />
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";
import { type RunningServer, startServer } from "./server.ts";
import { assertEquals, assertOk } from "../assert.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "API reference page in Chromium: every operation rendered, offline, no console errors",
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    let server: RunningServer | undefined;
    let browser: Browser | undefined;
    try {
      server = await startServer();
      const document = await (await fetch(`${server.url}/openapi.json`)).json();
      const operations: string[] = [];
      for (const [path, methods] of Object.entries(document.paths)) {
        for (const method of Object.keys(methods as object)) operations.push(`${method} ${path}`);
      }
      assertOk(operations.length >= 10, `only ${operations.length} operations`);
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
      });
      const page = await browser.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(`console: ${message.text()}`);
      });
      page.on("requestfailed", (request) => errors.push(`failed: ${request.url()}`));
      page.on("request", (request) => requests.push(request.url()));
      page.on("response", (answer) => {
        if (answer.status() >= 400) errors.push(`${answer.status()}: ${answer.url()}`);
      });
      const response = await page.goto(`${server.url}/docs`);
      assertEquals(response?.status(), 200);
      assertOk(response?.headers()["content-security-policy"]?.includes("script-src 'self'"));
      await page.waitForFunction(
        (count) => document.querySelectorAll(".opblock").length >= count,
        operations.length,
        { timeout: 30_000, polling: 100 },
      );
      const rendered = await page.$$eval(".opblock", (blocks) =>
        blocks.map((block) => {
          const method = block.querySelector(".opblock-summary-method")?.textContent ?? "";
          const path = block.querySelector(".opblock-summary-path")?.getAttribute("data-path");
          return `${method.toLowerCase()} ${path}`;
        }));
      assertEquals(rendered.sort(), operations.sort());
      // The title and the error codes come from the document.
      assertOk((await page.textContent(".info .title"))?.includes("fer-edge"));
      await page.click('.opblock-summary-path[data-path="/api/classify"]');
      await page.waitForSelector(".opblock.is-open .responses-table", { timeout: 10_000 });
      const responses = await page.textContent(".opblock.is-open .responses-table") ?? "";
      for (const code of ["too_many_faces", "bad_face_size", "overloaded"]) {
        assertOk(responses.includes(code), `${code} is not on the page`);
      }
      await page.screenshot({ path: `${Deno.env.get("FER_E2E_SHOTS") ?? "/tmp"}/api-docs.png` });
      assertEquals(errors, []);
      const outside = requests.filter((url) => !url.startsWith(`${server!.url}/`));
      assertEquals(outside, [], "requests outside the server");
      assertOk(requests.some((url) => url.endsWith("/vendor/swagger-ui/swagger-ui-bundle.js")));
    } finally {
      await browser?.close();
      await server?.close();
    }
  },
});
