/**
 * The camera page in real Chromium (Debian's, driven by playwright-core): the real server starts, a
 * fake camera plays a clip made from a committed face photo, and the page must draw a face box with
 * an emotion label within 10 s; then server-unreachable, in-browser mode, permission denied, no
 * camera, and a dropped photo. Screenshots go to `$FER_E2E_SHOTS` (default `/tmp/e2e-shots`).
 * Set `FER_E2E_URL` to test a server that is already running instead of starting `main.ts`.
 *
 * @module
 */
/// <reference lib="dom" />
import { chromium } from "playwright-core";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { decodeImage } from "../../src/image/decode.ts";
import { encodeBase64 } from "./base64.ts";
import { rgbaToY4m } from "./y4m.ts";
import { type RunningServer, startServer } from "./server.ts";
import { assertEquals, assertOk } from "../assert.ts";

const CHROMIUM = "/usr/bin/chromium";
const FIXTURES = new URL("./fixtures/", import.meta.url);
const SHOTS = Deno.env.get("FER_E2E_SHOTS") ?? "/tmp/e2e-shots";
/** The bar: a face box and an emotion label within 10 s of starting the camera. */
const FIRST_LABEL_MS = 10_000;
const LABEL = /^Face 1: (Angry|Disgust|Fear|Happy|Sad|Surprise|Neutral) \d+% at \d+,\d+ \d+x\d+$/;

const hasChromium = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();
if (!hasChromium) {
  console.warn(
    `\n${"!".repeat(78)}\n!! SKIPPING the camera page browser test: ${CHROMIUM} is missing.\n` +
      `!! Install it with: apt-get install -y chromium   (.ci/run does this)\n${"!".repeat(78)}\n`,
  );
}

/**
 * The model folder for the server: the shipped `models/default/` when it is there, else (until it is
 * committed) the classifier tests' tiny seeded stand-in, so the page is still tested end to end.
 */
async function serverModelEnv(): Promise<{ env: Record<string, string>; cleanup?: string }> {
  if (Deno.env.get("MODEL_DIR")) return { env: {} };
  try {
    await Deno.stat(new URL("../../models/default/fer-model.json", import.meta.url));
    return { env: {} };
  } catch {
    const { writeTinyModelDir } = await import("../classifier/tiny_model.ts");
    const dir = await writeTinyModelDir();
    console.warn(`  models/default/ is missing: the server runs the tiny stand-in model (${dir})`);
    return { env: { MODEL_DIR: dir }, cleanup: dir };
  }
}

/** Writes the fake-camera clip: the face photo, shifting a few pixels frame to frame. */
async function writeFakeCameraClip(dir: string): Promise<string> {
  const image = await decodeImage(await Deno.readFile(new URL("face.jpg", FIXTURES)));
  const path = `${dir}/face.y4m`;
  await Deno.writeFile(path, rgbaToY4m(image, { fps: 15, shifts: [0, 2, 4, 6, 8, 6, 4, 2] }));
  return path;
}

/** Writes a clip of an empty scene (a soft gradient, no face) for the "no face found" state. */
async function writeEmptySceneClip(dir: string): Promise<string> {
  const width = 640, height = 480;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const [x, y] = [i % width, Math.floor(i / width)];
    data.set([90 + x / 8, 110 + y / 8, 140, 255], i * 4);
  }
  const path = `${dir}/empty.y4m`;
  await Deno.writeFile(path, rgbaToY4m({ width, height, data }, { fps: 15 }));
  return path;
}

/** Debian's Chromium with a fake camera playing `clip` and camera access granted. */
function launchChromium(clip: string): Promise<Browser> {
  return chromium.launch({
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
}

/** Text of the page's per-face summary lines (the overlay's content, for assistive tech). */
function faceLines(page: Page): Promise<string[]> {
  return page.$$eval("#faces-summary li", (items) => items.map((li) => li.textContent ?? ""));
}

/** Waits until the first face has a label and returns the summary lines. */
async function waitForLabel(page: Page, timeout: number): Promise<string[]> {
  await page.waitForFunction(
    (pattern) =>
      new RegExp(pattern).test(document.querySelector("#faces-summary li")?.textContent ?? ""),
    LABEL.source,
    { timeout, polling: 100 },
  );
  return await faceLines(page);
}

/** Drops an image file on the page's drop zone, as a person dragging it from the desktop would. */
async function dropPhoto(page: Page, bytes: Uint8Array, name: string): Promise<void> {
  await page.evaluate(() => document.getElementById("photo-status")!.dataset.kind = "idle");
  const dataTransfer = await page.evaluateHandle(({ b64, name }) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([data], name, { type: "image/jpeg" }));
    return transfer;
  }, { b64: encodeBase64(bytes), name });
  await page.dispatchEvent("#drop-zone", "drop", { dataTransfer });
}

/** Counts overlay pixels that were drawn (alpha > 0) along the top edge of the first face box. */
function overlayInkOnBox(page: Page): Promise<number> {
  return page.evaluate(() => {
    const line = document.querySelector("#faces-summary li")?.textContent ?? "";
    const m = /at (\d+),(\d+) (\d+)x(\d+)/.exec(line);
    if (!m) return 0;
    const [x, y, w] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const canvas = document.getElementById("overlay") as HTMLCanvasElement;
    const ctx = canvas.getContext("2d")!;
    const row = ctx.getImageData(x, y, w, 1).data;
    let inked = 0;
    for (let i = 3; i < row.length; i += 4) if (row[i] > 0) inked++;
    return inked;
  });
}

Deno.test({
  name: "camera page in Chromium: live labels, unreachable server, in-browser mode, photo, states",
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await Deno.mkdir(SHOTS, { recursive: true });
    const tmp = await Deno.makeTempDir({ prefix: "fer-edge-e2e-" });
    const clip = await writeFakeCameraClip(tmp);
    const external = Deno.env.get("FER_E2E_URL");
    let server: RunningServer | undefined;
    let modelCleanup: string | undefined;
    let browser: Browser | undefined;
    let context: BrowserContext | undefined;
    try {
      const model = external ? { env: {} } : await serverModelEnv();
      modelCleanup = model.cleanup;
      server = external ? undefined : await startServer(model.env);
      const base = external ?? server!.url;
      browser = await launchChromium(clip);
      context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.grantPermissions(["camera"], { origin: base });
      // Every page records what the server's Content Security Policy blocked; none may be blocked.
      await context.addInitScript(() => {
        const seen: string[] = [];
        (globalThis as unknown as { cspViolations: string[] }).cspViolations = seen;
        document.addEventListener("securitypolicyviolation", (e) => {
          seen.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`);
        });
      });
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (error) => pageErrors.push(error.message));
      const cspConsole: string[] = [];
      page.on("console", (message) => {
        if (/Content Security Policy/i.test(message.text())) cspConsole.push(message.text());
      });
      const classifyCalls: string[] = [];
      page.on("request", (r) => {
        if (r.url().endsWith("/api/classify")) classifyCalls.push(r.url());
      });
      await page.goto(`${base}/`);

      await t.step("live camera: a face box and an emotion label within 10 s", async () => {
        const started = performance.now();
        await page.click("#camera-toggle");
        const lines = await waitForLabel(page, FIRST_LABEL_MS);
        const ms = Math.round(performance.now() - started);
        console.log(`  first label after ${ms} ms: ${lines[0]}`);
        assertEquals(lines.length, 1, `one face in the clip, got ${JSON.stringify(lines)}`);
        assertOk((await overlayInkOnBox(page)) > 20, "the box is drawn on the overlay canvas");
        const bars = await page.$$eval("#score-bars li", (li) => li.map((e) => e.textContent));
        assertEquals(bars.length, 7, "seven score bars for the largest face");
        await page.waitForTimeout(1500); // let the smoothing settle and FPS/RTT read steadily
        const hud = await page.textContent("#hud");
        assertOk(/\d+ FPS · RTT \d+ ms/.test(hud ?? ""), `HUD shows FPS and RTT: ${hud}`);
        console.log(`  HUD: ${hud}`);
        await page.screenshot({ path: `${SHOTS}/1-live-server.png` });
      });

      await t.step(
        "server unreachable: faces still boxed, a clear message, then recovery",
        async () => {
          await page.route("**/api/classify", (route) => route.abort("connectionrefused"));
          await page.waitForSelector('#camera-status[data-kind="unreachable"]', { timeout: 5000 });
          assertOk(Number(await page.getAttribute("#camera-stage", "data-faces")) >= 1);
          await page.screenshot({ path: `${SHOTS}/2-server-unreachable.png` });
          await page.unroute("**/api/classify");
          await page.waitForSelector('#camera-status[data-kind="ok"]', { timeout: 5000 });
        },
      );

      await t.step("in-browser mode: labels keep coming without /api/classify", async () => {
        await page.check('input[name="mode"][value="browser"]');
        await page.waitForSelector('#mode-badge[data-mode="browser"]', { timeout: 30_000 });
        const before = classifyCalls.length;
        const lines = await waitForLabel(page, FIRST_LABEL_MS);
        await page.waitForTimeout(1000);
        assertEquals(classifyCalls.length, before, "no server classify calls in browser mode");
        console.log(`  in-browser: ${lines[0]}; ${await page.textContent("#mode-badge")}`);
        await dropPhoto(page, await Deno.readFile(new URL("group.jpg", FIXTURES)), "group.jpg");
        await page.waitForSelector('#photo-status[data-kind="ok"]', { timeout: 30_000 });
        const status = await page.textContent("#photo-status");
        assertOk(status?.includes("(in this browser)"), `photo analysed in the page: ${status}`);
        assertEquals(classifyCalls.length, before, "no server classify calls for the photo");
        console.log(`  in-browser photo: ${status}`);
        await page.screenshot({ path: `${SHOTS}/3-live-in-browser.png`, fullPage: true });
        await page.check('input[name="mode"][value="server"]');
        await page.waitForSelector('#mode-badge[data-mode="server"]');
      });

      await t.step(
        "mirror views: ?tta=flip on the server, the mirror batch in the browser",
        async () => {
          const flipCalls: string[] = [];
          const listener = (r: { url(): string }) => {
            if (r.url().endsWith("/api/classify?tta=flip")) flipCalls.push(r.url());
          };
          page.on("request", listener);
          await page.check("#mirror-views");
          await page.waitForSelector('#mode-badge[data-tta="flip"]');
          const lines = await waitForLabel(page, FIRST_LABEL_MS);
          await page.waitForTimeout(1000);
          assertOk(flipCalls.length > 0, "the page asked the server for mirror views");
          console.log(`  mirror views (server): ${lines[0]}; ${flipCalls.length} calls`);
          await page.check('input[name="mode"][value="browser"]');
          await page.waitForSelector('#mode-badge[data-mode="browser"]', { timeout: 30_000 });
          const local = await waitForLabel(page, FIRST_LABEL_MS);
          console.log(`  mirror views (in-browser): ${local[0]}`);
          page.off("request", listener);
          await page.check('input[name="mode"][value="server"]');
          await page.uncheck("#mirror-views");
          await page.waitForSelector('#mode-badge[data-mode="server"][data-tta="none"]');
          assertEquals(pageErrors, [], "no page errors with mirror views");
        },
      );

      await t.step("dropped photo: the server's faces are listed and drawn", async () => {
        const bytes = await Deno.readFile(new URL("group.jpg", FIXTURES));
        const expected = await (await fetch(`${base}/api/predict`, {
          method: "POST",
          headers: { "content-type": "image/jpeg" },
          body: bytes,
        })).json();
        await dropPhoto(page, bytes, "group.jpg");
        await page.waitForSelector('#photo-status[data-kind="ok"]', { timeout: 20_000 });
        // Each face's title; its score bars (one per label of the model) follow it in the item.
        const items = await page.$$eval(
          "#photo-faces > li .face-title",
          (li) => li.map((e) => e.textContent ?? ""),
        );
        const barCounts = await page.$$eval(
          "#photo-faces > li",
          (li) => li.map((e) => e.querySelectorAll(".bars > li").length),
        );
        assertEquals(barCounts, items.map(() => 7), "seven score bars per face (default model)");
        assertEquals(
          items.length,
          expected.faces.length,
          "one list item per face the server found",
        );
        assertOk(items.length >= 1, "the group photo has faces");
        items.forEach((text, i) => {
          const want = expected.faces[i];
          const name = want.emotion.charAt(0).toUpperCase() + want.emotion.slice(1);
          assertEquals(text, `Face ${i + 1}: ${name} ${Math.round(want.confidence * 100)}%`);
        });
        // The box outline of face 1 is drawn in its emotion's colour, not left as photo pixels.
        const box = expected.faces[0].box;
        const stroke = await page.evaluate(({ box, width }) => {
          const canvas = document.getElementById("photo-canvas") as HTMLCanvasElement;
          const scale = canvas.width / width;
          const x = Math.round((box.x + box.width / 2) * scale);
          const y = Math.round(box.y * scale);
          return Array.from(canvas.getContext("2d")!.getImageData(x, y, 1, 1).data) as number[];
        }, { box, width: expected.image.width });
        const colors = [
          [229, 72, 77],
          [48, 164, 108],
          [142, 78, 198],
          [245, 180, 0],
          [0, 144, 255],
          [
            247,
            107,
            21,
          ],
          [139, 141, 152],
        ];
        assertOk(
          colors.some((c) => c.every((v, k) => Math.abs(v - stroke[k]) <= 2)),
          `face 1's box edge is an emotion colour, got rgb(${stroke.slice(0, 3)})`,
        );
        await page.locator("#photo-canvas").scrollIntoViewIfNeeded();
        await page.screenshot({ path: `${SHOTS}/4-photo-drop.png`, fullPage: true });
      });

      await t.step(
        "no face in view, permission denied, no camera: each has its message",
        async () => {
          const empty = await launchChromium(await writeEmptySceneClip(tmp));
          try {
            const emptyPage = await empty.newPage({ viewport: { width: 1280, height: 900 } });
            await emptyPage.goto(`${base}/`);
            await emptyPage.click("#camera-toggle");
            await emptyPage.waitForSelector('#camera-status[data-kind="noface"]', {
              timeout: 15_000,
            });
            assertEquals(await emptyPage.getAttribute("#camera-stage", "data-faces"), "0");
            console.log(
              `  empty scene: ${(await emptyPage.textContent("#camera-status"))?.trim()}`,
            );
            await emptyPage.screenshot({ path: `${SHOTS}/5-camera-noface.png` });
          } finally {
            await empty.close();
          }
          for (
            const [errorName, kind] of [["NotAllowedError", "denied"], ["NotFoundError", "missing"]]
          ) {
            const other = await context!.newPage();
            await other.addInitScript((name) => {
              navigator.mediaDevices.getUserMedia = () =>
                Promise.reject(new DOMException("test", name));
            }, errorName);
            await other.goto(`${base}/`);
            await other.click("#camera-toggle");
            await other.waitForSelector(`#camera-status[data-kind="${kind}"]`, { timeout: 5000 });
            const text = await other.textContent("#camera-status");
            console.log(`  ${errorName}: ${text?.trim()}`);
            await other.screenshot({ path: `${SHOTS}/5-camera-${kind}.png` });
            await other.close();
          }
        },
      );
      assertEquals(pageErrors, [], "no uncaught errors in the page");
      const csp = await page.evaluate(() =>
        (globalThis as unknown as { cspViolations: string[] }).cspViolations
      );
      assertEquals([csp, cspConsole], [[], []], "nothing the page needs is blocked by its CSP");
      const headers = (await page.request.get(`${base}/`)).headers();
      assertOk(headers["content-security-policy"]?.includes("'wasm-unsafe-eval'"), "page CSP");
    } catch (error) {
      if (server) console.error(`server output:\n${server.output()}`);
      throw error;
    } finally {
      await context?.close();
      await browser?.close();
      await server?.close();
      await Deno.remove(tmp, { recursive: true });
      if (modelCleanup) await Deno.remove(modelCleanup, { recursive: true });
    }
  },
});
