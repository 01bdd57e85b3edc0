/**
 * The in-browser half of the Chromium check: an HTML page that loads MediaPipe Tasks' FaceDetector
 * with the packaged short-range model from this server (nothing from the internet) and exposes
 * `window.detectFaces(url)` returning boxes in image pixels.
 *
 * @module
 */

/** URL paths the harness serves. */
export const PAGE_PATHS = {
  page: "/",
  tasksVision: "/tasks-vision/",
  models: "/models/",
  images: "/images/",
} as const;

/** The page's HTML; `modelFile` is a file name under {@link PAGE_PATHS.models}. */
export function detectorPageHtml(modelFile: string, minScore: number): string {
  return `<!doctype html>
<meta charset="utf-8">
<title>tasks-vision FaceDetector check</title>
<script type="module">
import { FaceDetector, FilesetResolver } from "${PAGE_PATHS.tasksVision}vision_bundle.mjs";
const started = performance.now();
try {
  const fileset = await FilesetResolver.forVisionTasks("${PAGE_PATHS.tasksVision}wasm");
  const detector = await FaceDetector.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: "${PAGE_PATHS.models}${modelFile}", delegate: "CPU" },
    runningMode: "IMAGE",
    minDetectionConfidence: ${minScore},
  });
  window.loadMs = performance.now() - started;
  window.detectFaces = async (url) => {
    const image = new Image();
    image.src = url;
    await image.decode();
    const t0 = performance.now();
    const result = detector.detect(image);
    const ms = performance.now() - t0;
    const faces = result.detections.map((d) => ({
      box: { x: d.boundingBox.originX, y: d.boundingBox.originY,
             width: d.boundingBox.width, height: d.boundingBox.height },
      score: d.categories[0]?.score ?? 0,
      keypoints: (d.keypoints ?? []).map((k) => ({ x: k.x * image.naturalWidth, y: k.y * image.naturalHeight })),
    }));
    return { faces, ms, width: image.naturalWidth, height: image.naturalHeight };
  };
  window.ready = true;
} catch (error) {
  window.loadError = String(error && error.message || error);
}
</script>`;
}
