/**
 * The page's photo detection in real Chromium (tasks-vision, IMAGE mode): tight face crops and 48-
 * and 24-px faces are found, also on the retry canvases of `retry_canvas.js` drawn by the page
 * (upright and turned), where the server finds them (the boxes agree); photos without a face stay
 * without one; and a dropped tight crop is labelled by the in-browser mode.
 *
 * @module
 */
/// <reference lib="dom" />
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";
import { encodeBase64 } from "./base64.ts";
import { type RunningServer, startServer } from "./server.ts";
import { assertEquals, assertOk } from "../assert.ts";

const CHROMIUM = "/usr/bin/chromium";
const FIXTURES = new URL("../fixtures/", import.meta.url);
const hasChromium = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / (a.width * a.height + b.width * b.height - w * h);
}

Deno.test({
  name: "page photo detection in Chromium: the retry finds tight crops as the server does",
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    let server: RunningServer | undefined;
    let browser: Browser | undefined;
    try {
      server = await startServer();
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
      });
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(`${server.url}/?mode=browser`);
      await page.waitForSelector('#mode-badge[data-mode="browser"]', { timeout: 30_000 });
      for (
        const [name, type, faces] of [
          ["faces/tight1.jpg", "image/jpeg", 1],
          ["faces/tight2.jpg", "image/jpeg", 1],
          ["faces/face48.png", "image/png", 1],
          ["faces/face24.png", "image/png", 1],
          ["noface/landscape.jpg", "image/jpeg", 0],
          ["noface/plasma.jpg", "image/jpeg", 0],
        ] as const
      ) {
        const bytes = await Deno.readFile(new URL(name, FIXTURES));
        const found = await page.evaluate(async ({ b64, type }) => {
          const { createFaceDetector, detectPhotoFaces } = await import("/js/detector.js");
          const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const bitmap = await createImageBitmap(new Blob([data], { type }));
          const detector = await createFaceDetector("IMAGE");
          // Tasks-vision's short-range model often finds these on the photo itself; to run the
          // retry path, the detector is blinded for the photo (and for the first `blind` canvases).
          const blinded = (blind: number) => {
            let canvases = 0;
            return {
              detect(image: ImageBitmap | OffscreenCanvas) {
                if (image instanceof ImageBitmap || canvases++ < blind) return { detections: [] };
                return detector.detect(image);
              },
            };
          };
          const boxes = (faces: { box: Box }[]) => faces.map((f) => f.box);
          const result = {
            natural: boxes(detectPhotoFaces(detector, bitmap)),
            upright: boxes(detectPhotoFaces(blinded(0), bitmap)),
            turned: boxes(detectPhotoFaces(blinded(1), bitmap)),
          };
          detector.close();
          return result;
        }, { b64: encodeBase64(bytes), type });
        const answer = await fetch(`${server.url}/api/predict`, {
          method: "POST",
          headers: { "content-type": type },
          body: bytes,
        });
        const serverFaces = (await answer.json()).faces as { box: Box }[];
        const counts = Object.entries(found).map(([k, v]) => `${k} ${v.length}`).join(", ");
        console.log(`  ${name}: page ${counts}; server ${serverFaces.length}`);
        assertEquals(serverFaces.length, faces, `${name}: server faces`);
        for (const [how, boxes] of Object.entries(found)) {
          assertEquals(boxes.length, faces, `${name}: page faces (${how})`);
          if (!faces) continue;
          const overlap = iou(boxes[0], serverFaces[0].box);
          // The turned canvas frames the face a little differently; the upright one as the server.
          const needed = how === "turned" ? 0.5 : 0.7;
          assertOk(overlap > needed, `${name} (${how}): boxes overlap ${overlap.toFixed(2)}`);
        }
      }
      // The whole photo flow: drop the tight crop, get a labelled face from the in-browser mode.
      const transfer = await page.evaluateHandle(({ b64 }) => {
        const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const t = new DataTransfer();
        t.items.add(new File([data], "tight1.jpg", { type: "image/jpeg" }));
        return t;
      }, { b64: encodeBase64(await Deno.readFile(new URL("faces/tight1.jpg", FIXTURES))) });
      await page.dispatchEvent("#drop-zone", "drop", { dataTransfer: transfer });
      await page.waitForSelector('#photo-status[data-kind="ok"]', { timeout: 30_000 });
      const status = await page.textContent("#photo-status");
      assertOk(status?.startsWith("1 face found") && status.includes("(in this browser)"), status!);
      assertEquals(errors, []);
    } finally {
      await browser?.close();
      await server?.close();
    }
  },
});
