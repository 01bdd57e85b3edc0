/**
 * The camera page in real Chromium served an 8-class FER+ model (`MODEL_DIR` = the tiny FER+ model,
 * which leans to contempt): the page names the model's eight labels, a dropped photo lists each face
 * with eight score bars, contempt's among them and on top, the server's own numbers in server mode;
 * the live camera's score bars are the eight too; and the same holds in in-browser mode, without
 * asking the server to classify. A screenshot goes to `$FER_E2E_SHOTS` (default `/tmp/e2e-shots`).
 *
 * @module
 */
/// <reference lib="dom" />
import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";
import { decodeImage } from "../../src/image/decode.ts";
import { displayName } from "../../src/face.ts";
import { encodeBase64 } from "./base64.ts";
import { rgbaToY4m } from "./y4m.ts";
import { type RunningServer, startServer } from "./server.ts";
import { FERPLUS_LABELS, writeTinyFerPlusDir } from "../classifier/tiny_ferplus.ts";
import { assertEquals, assertOk } from "../assert.ts";
import { useWasmBackend } from "../../src/backend.ts";

// The tiny model is written on wasm too (the cpu backend would print its tfjs-node banner).
await useWasmBackend();

const CHROMIUM = "/usr/bin/chromium";
const FACE_JPG = new URL("./fixtures/face.jpg", import.meta.url);
const SHOTS = Deno.env.get("FER_E2E_SHOTS") ?? "/tmp/e2e-shots";
const hasChromium = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();

/** One score bar as the page shows it. */
interface Bar {
  emotion: string;
  name: string;
  value: string;
  top: boolean;
  fill: string;
}

/** The score bars under `selector` (a `<ul class="bars">`). */
function bars(page: Page, selector: string): Promise<Bar[]> {
  return page.$$eval(`${selector} > li`, (items) =>
    items.map((li) => ({
      emotion: (li as HTMLElement).dataset.emotion ?? "",
      name: li.querySelector(".name")?.textContent ?? "",
      value: li.querySelector(".value")?.textContent ?? "",
      top: li.classList.contains("top"),
      fill: (li.querySelector(".fill") as HTMLElement | null)?.style.background ?? "",
    })));
}

/** The photo list: each face's title and bars. */
function photoFaces(page: Page): Promise<{ title: string; bars: Bar[] }[]> {
  return page.$$eval("#photo-faces > li", (items) =>
    items.map((li) => ({
      title: li.querySelector(".face-title")?.textContent ?? "",
      bars: Array.from(li.querySelectorAll(".bars > li"), (b) => ({
        emotion: (b as HTMLElement).dataset.emotion ?? "",
        name: b.querySelector(".name")?.textContent ?? "",
        value: b.querySelector(".value")?.textContent ?? "",
        top: b.classList.contains("top"),
        fill: (b.querySelector(".fill") as HTMLElement | null)?.style.background ?? "",
      })),
    })));
}

/** Drops `bytes` as a JPEG on the drop zone and waits for the photo status to say ok. */
async function dropPhoto(page: Page, bytes: Uint8Array): Promise<string> {
  await page.evaluate(() => document.getElementById("photo-status")!.dataset.kind = "idle");
  const dataTransfer = await page.evaluateHandle((b64) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([data], "face.jpg", { type: "image/jpeg" }));
    return transfer;
  }, encodeBase64(bytes));
  await page.dispatchEvent("#drop-zone", "drop", { dataTransfer });
  await page.waitForSelector('#photo-status[data-kind="ok"]', { timeout: 30_000 });
  return (await page.textContent("#photo-status")) ?? "";
}

/**
 * Checks that `list` is one bar per FER+ label, in order, named, contempt on top in `color` (its
 * colour as the page reads it back: `rgb(...)`).
 */
function assertEightBars(list: Bar[], color: string, where: string): void {
  assertEquals(list.map((b) => b.emotion), FERPLUS_LABELS, `${where}: the eight labels`);
  assertEquals(list.map((b) => b.name), FERPLUS_LABELS.map(displayName), `${where}: names`);
  assertEquals(list.filter((b) => b.top).map((b) => b.emotion), ["contempt"], `${where}: top`);
  assertEquals(list[7].fill, color, `${where}: contempt's colour`);
  const total = list.reduce((sum, b) => sum + Number(b.value.replace("%", "")), 0);
  assertOk(Math.abs(total - 100) <= 4, `${where}: rounded percentages sum to ${total}`);
}

/** Waits until the live score bars show `count` labels with `top` on top. */
async function waitForLiveBars(page: Page, top: string): Promise<Bar[]> {
  await page.waitForFunction(
    (top) => {
      const items = document.querySelectorAll("#score-bars > li");
      const best = document.querySelector("#score-bars > li.top") as HTMLElement | null;
      return items.length === 8 && best?.dataset.emotion === top;
    },
    top,
    { timeout: 15_000, polling: 100 },
  );
  return await bars(page, "#score-bars");
}

Deno.test({
  name: "page in Chromium with a FER+ model: eight labels for photos and the camera, both modes",
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const tmp = await Deno.makeTempDir({ prefix: "fer-ferplus-e2e-" });
    let server: RunningServer | undefined;
    let browser: Browser | undefined;
    try {
      const modelDir = await writeTinyFerPlusDir(`${tmp}/ferplus`);
      const image = await decodeImage(await Deno.readFile(FACE_JPG));
      const clip = `${tmp}/face.y4m`;
      await Deno.writeFile(clip, rgbaToY4m(image, { fps: 15, shifts: [0, 2, 4, 2] }));
      server = await startServer({ MODEL_DIR: modelDir });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--use-fake-ui-for-media-stream",
          "--use-fake-device-for-media-stream",
          `--use-file-for-fake-video-capture=${clip}`,
        ],
      });
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.grantPermissions(["camera"], { origin: server.url });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      const classifyCalls: string[] = [];
      page.on("request", (r) => {
        if (r.url().includes("/api/classify")) classifyCalls.push(r.url());
      });
      await page.goto(`${server.url}/`);
      const bytes = await Deno.readFile(FACE_JPG);

      let color = "";
      await t.step(
        "the page names the served model's eight labels; contempt has a colour",
        async () => {
          await page.waitForSelector('#model-labels[data-count="8"]', { timeout: 15_000 });
          const named = await page.textContent("#model-labels");
          assertEquals(named, FERPLUS_LABELS.map(displayName).join(", "));
          // Contempt's colour as the page's own module has it, read back as Chromium writes it.
          color = await page.evaluate(async () => {
            const { labelColor, OTHER_LABEL_COLOR } = await import("/js/labels.js");
            const probe = document.createElement("span");
            probe.style.background = labelColor("contempt");
            return labelColor("contempt") === OTHER_LABEL_COLOR ? "" : probe.style.background;
          });
          assertOk(/^rgb\(/.test(color), `contempt has its own colour: ${color}`);
        },
      );

      await t.step("server mode: a photo's face has the server's eight scores", async () => {
        const expected = await (await fetch(`${server!.url}/api/predict`, {
          method: "POST",
          headers: { "content-type": "image/jpeg" },
          body: bytes,
        })).json();
        assertEquals(expected.faces[0].emotion, "contempt");
        const status = await dropPhoto(page, bytes);
        assertOk(status.includes("(server)"), status);
        const listed = await photoFaces(page);
        assertEquals(listed.length, expected.faces.length);
        listed.forEach((face, i) => {
          const want = expected.faces[i];
          assertEquals(face.title, `Face ${i + 1}: Contempt ${Math.round(want.confidence * 100)}%`);
          assertEightBars(face.bars, color, `photo face ${i + 1}`);
          const values = FERPLUS_LABELS.map((l) => `${Math.round(want.scores[l] * 100)}%`);
          assertEquals(face.bars.map((b) => b.value), values, "the server's numbers");
        });
      });

      await t.step("server mode: the live camera's score bars are the eight", async () => {
        await page.click("#camera-toggle");
        assertEightBars(await waitForLiveBars(page, "contempt"), color, "live, server");
        const line = await page.textContent("#faces-summary li");
        assertOk(/^Face 1: Contempt \d+% at \d+,\d+ \d+x\d+$/.test(line ?? ""), line!);
        assertOk(classifyCalls.length > 0, "the server classified the camera's faces");
      });

      await t.step("in-browser mode: the same eight labels, without the server", async () => {
        await page.check('input[name="mode"][value="browser"]');
        await page.waitForSelector('#mode-badge[data-mode="browser"]', { timeout: 30_000 });
        const before = classifyCalls.length;
        // The smoother and the round-trip time start afresh in the new mode: once the HUD shows an
        // in-browser time, the bars are the browser classifier's.
        await page.waitForFunction(
          () => /in-browser \d+ ms/.test(document.getElementById("hud")?.textContent ?? ""),
          null,
          { timeout: 15_000, polling: 100 },
        );
        assertEightBars(await waitForLiveBars(page, "contempt"), color, "live, in-browser");
        const status = await dropPhoto(page, bytes);
        assertOk(status.includes("(in this browser)"), status);
        const listed = await photoFaces(page);
        assertOk(listed.length >= 1, "the page found the face");
        assertOk(/^Face 1: Contempt \d+%$/.test(listed[0].title), listed[0].title);
        assertEightBars(listed[0].bars, color, "in-browser photo");
        await page.waitForTimeout(500);
        assertEquals(classifyCalls.length, before, "no server classify calls in browser mode");
        assertEquals(await page.getAttribute("#model-labels", "data-count"), "8");
        await Deno.mkdir(SHOTS, { recursive: true });
        await page.screenshot({ path: `${SHOTS}/6-ferplus-in-browser.png`, fullPage: true });
      });
      assertEquals(errors, [], "no uncaught errors in the page");
    } catch (error) {
      if (server) console.error(`server output:\n${server.output()}`);
      throw error;
    } finally {
      await browser?.close();
      await server?.close();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
