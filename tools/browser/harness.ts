/**
 * Runs MediaPipe Tasks' FaceDetector in headless Chromium (via playwright-core) on the packaged model,
 * to check that the asset is accepted and to compare the browser's detections with the server's.
 * Serves tasks-vision, the model and the images from a local port; nothing leaves the machine.
 *
 * @module
 */
import { chromium } from "playwright-core";
import type { DetectedFace } from "../../src/detector/types.ts";
import { detectorPageHtml, PAGE_PATHS } from "./page.ts";

/** Debian's Chromium, which CI installs. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

const TASKS_VISION_DIR = new URL("../../node_modules/@mediapipe/tasks-vision/", import.meta.url);
const MODELS_DIR = new URL("../../static/models/", import.meta.url);

const CONTENT_TYPES: Record<string, string> = {
  mjs: "text/javascript",
  js: "text/javascript",
  wasm: "application/wasm",
  tflite: "application/octet-stream",
  jpg: "image/jpeg",
  png: "image/png",
};

/** One browser detection run. */
export interface BrowserDetection {
  faces: DetectedFace[];
  /** `detect()` wall time in the page. */
  ms: number;
  width: number;
  height: number;
}

/** A running Chromium page with tasks-vision's FaceDetector loaded. */
export interface BrowserFaceDetector {
  /** Milliseconds from page load to a ready detector. */
  loadMs: number;
  /** Detects faces in an encoded image (JPEG or PNG bytes). */
  detect(bytes: Uint8Array, type?: "jpg" | "png"): Promise<BrowserDetection>;
  close(): Promise<void>;
}

/** Whether Chromium is installed here. */
export function hasChromium(): boolean {
  try {
    return Deno.statSync(CHROMIUM_PATH).isFile;
  } catch {
    return false;
  }
}

/** Starts the server and Chromium and waits until the FaceDetector is created (or failed). */
export async function launchBrowserFaceDetector(
  options: { modelFile?: string; modelDir?: URL; minScore?: number } = {},
): Promise<BrowserFaceDetector> {
  const modelFile = options.modelFile ?? "face_detection_short_range.tflite";
  const modelDir = options.modelDir ?? MODELS_DIR;
  const images = new Map<string, { bytes: Uint8Array; type: string }>();
  const html = detectorPageHtml(modelFile, options.minScore ?? 0.5);
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (request) => {
    const path = new URL(request.url).pathname;
    const send = (body: Uint8Array, ext: string) =>
      new Response(body.slice(), {
        headers: { "content-type": CONTENT_TYPES[ext] ?? "application/octet-stream" },
      });
    if (path === PAGE_PATHS.page) {
      return new Response(html, { headers: { "content-type": "text/html" } });
    }
    const ext = path.split(".").pop() ?? "";
    const name = decodeURIComponent(path).replace(/\.\.+/g, "");
    try {
      if (name.startsWith(PAGE_PATHS.tasksVision)) {
        return send(
          await Deno.readFile(new URL(name.slice(PAGE_PATHS.tasksVision.length), TASKS_VISION_DIR)),
          ext,
        );
      }
      if (name.startsWith(PAGE_PATHS.models)) {
        return send(
          await Deno.readFile(new URL(name.slice(PAGE_PATHS.models.length), modelDir)),
          ext,
        );
      }
      const image = images.get(name);
      if (image) return send(image.bytes, image.type);
    } catch {
      // fall through to 404
    }
    return new Response("not found", { status: 404 });
  });
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const close = async () => {
    await browser.close();
    await server.shutdown();
  };
  try {
    const page = await browser.newPage();
    await page.goto(origin + PAGE_PATHS.page);
    await page.waitForFunction("window.ready || window.loadError", undefined, { timeout: 60_000 });
    const loadError = await page.evaluate("window.loadError") as string | undefined;
    if (loadError) throw new Error(`tasks-vision FaceDetector rejected ${modelFile}: ${loadError}`);
    const loadMs = await page.evaluate("window.loadMs") as number;
    let counter = 0;
    return {
      loadMs,
      async detect(bytes, type = "jpg") {
        const name = `${PAGE_PATHS.images}${counter++}.${type}`;
        images.set(name, { bytes, type });
        try {
          return await page.evaluate(
            `window.detectFaces(${JSON.stringify(name)})`,
          ) as BrowserDetection;
        } finally {
          images.delete(name);
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
