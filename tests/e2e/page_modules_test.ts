/**
 * The camera page's pure modules, run in Deno: its crop (upright and aligned) matches the server's
 * byte for byte, labels match `src/face.ts`, smoothing follows faces and damps flicker, response
 * parsing rejects bad answers, and the fake-camera clip has the y4m layout Chromium expects.
 *
 * @module
 */
import { cropFaceGray48 as serverCrop } from "../../src/image/crop.ts";
import { cropAlignedFaceGray48 as serverAlignedCrop } from "../../src/image/align.ts";
import { predictImage } from "../../src/server/predict_image.ts";
import type { DetectedFace } from "../../src/detector/types.ts";
import { encodeGrayPng } from "../../training/data/png.ts";
import { alignedReadRect, cropAlignedFacesFromContext } from "../../static/js/face_align.js";
import { FER_EMOTIONS } from "../../src/face.ts";
import { cropFaceGray48, cropReadRect, ferCropWindow } from "../../static/js/face_crop.js";
import { EMOTIONS } from "../../static/js/labels.js";
import { argmax, iou, ScoreSmoother } from "../../static/js/smoothing.js";
import {
  classifyOnServer,
  packFaces,
  parseClassifyResponse,
  scoresToArray,
  withTta,
} from "../../static/js/classifiers.js";
import { parsePredictResponse } from "../../static/js/photo.js";
import { rgbaToY4m } from "./y4m.ts";
import { assertEquals, assertOk, assertThrows } from "../assert.ts";

/** A deterministic RGBA test image with structure in every channel. */
function testImage(width: number, height: number) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      data[p] = (x * 7 + y * 3) % 256;
      data[p + 1] = (x * y) % 251;
      data[p + 2] = (255 - x * 2 + y) & 255;
      data[p + 3] = 255;
    }
  }
  return { width, height, data };
}

Deno.test("page labels are the server's FER2013 labels in the same order", () => {
  assertEquals([...EMOTIONS], [...FER_EMOTIONS]);
});

Deno.test("page crop gives the same 48x48 bytes as the server crop, inside and across edges", () => {
  const image = testImage(160, 120);
  const boxes = [
    { x: 40, y: 30, width: 60, height: 70 },
    { x: 0.5, y: 2.25, width: 33.3, height: 30 },
    { x: 120, y: 90, width: 50, height: 50 }, // crosses the bottom-right edge
    { x: 70, y: 10, width: 6, height: 6 }, // upsampling
  ];
  for (const box of boxes) {
    const mine = cropFaceGray48(image, box);
    const theirs = serverCrop(image, box);
    const maxDiff = mine.reduce((m, v, i) => Math.max(m, Math.abs(v - theirs[i])), 0);
    assertOk(maxDiff <= 1, `box ${JSON.stringify(box)}: max difference ${maxDiff}`);
  }
});

Deno.test("page crop of only the read rectangle equals the crop of the whole frame", () => {
  const image = testImage(160, 120);
  const box = { x: 130, y: 5, width: 40, height: 44 };
  const rect = cropReadRect(box, image.width, image.height);
  const sub = new Uint8ClampedArray(rect.width * rect.height * 4);
  for (let row = 0; row < rect.height; row++) {
    const start = ((rect.y + row) * image.width + rect.x) * 4;
    sub.set(image.data.subarray(start, start + rect.width * 4), row * rect.width * 4);
  }
  const partial = cropFaceGray48(
    { width: rect.width, height: rect.height, data: sub },
    { ...box, x: box.x - rect.x, y: box.y - rect.y },
  );
  assertEquals(partial, cropFaceGray48(image, box));
});

/** A 2D-context stand-in over `image` that hands out pixel rectangles and counts what it reads. */
function fakeContext(image: { width: number; height: number; data: Uint8ClampedArray }) {
  const reads: { x: number; y: number; width: number; height: number }[] = [];
  return {
    reads,
    getImageData(x: number, y: number, width: number, height: number) {
      reads.push({ x, y, width, height });
      const data = new Uint8ClampedArray(width * height * 4);
      for (let row = 0; row < height; row++) {
        const start = ((y + row) * image.width + x) * 4;
        data.set(image.data.subarray(start, start + width * 4), row * width * 4);
      }
      return { width, height, data };
    },
  };
}

/** Faces with turned, level and missing eyes, inside the image and across its edges. */
const ALIGN_FACES = [
  { box: { x: 40, y: 30, width: 60, height: 70 }, keypoints: [{ x: 55, y: 50 }, { x: 85, y: 62 }] },
  {
    box: { x: 0.5, y: 2.25, width: 33.3, height: 30 },
    keypoints: [{ x: 8, y: 12 }, { x: 24, y: 3 }],
  },
  {
    box: { x: 120, y: 90, width: 50, height: 50 },
    keypoints: [{ x: 130, y: 100 }, { x: 150, y: 100 }],
  },
  { box: { x: 70, y: 10, width: 6, height: 6 }, keypoints: [{ x: 71, y: 11 }, { x: 75, y: 15 }] },
  { box: { x: 100, y: 20, width: 40, height: 40 }, keypoints: [] },
  {
    box: { x: -10, y: 60, width: 70, height: 70 },
    keypoints: [{ x: 10, y: 70 }, { x: 10, y: 110 }],
  },
];

Deno.test("page aligned crop, from only the pixels it reads, gives the server's bytes exactly", () => {
  const image = testImage(160, 120);
  const ctx = fakeContext(image);
  const mine = cropAlignedFacesFromContext(ctx, ALIGN_FACES, image.width, image.height);
  ALIGN_FACES.forEach((face, i) => {
    assertEquals(mine[i], serverAlignedCrop(image, face), `face ${i}: ${JSON.stringify(face)}`);
    assertEquals(ctx.reads[i], alignedReadRect(face, image.width, image.height));
    assertOk(ctx.reads[i].width * ctx.reads[i].height < image.width * image.height);
  });
});

Deno.test("/api/predict's crops are the page's aligned crops (align off: the upright ones)", async () => {
  // A PNG the server decodes to the same pixels the page reads (gray, so RGB = luma).
  const gray = new Uint8Array(160 * 120);
  for (let i = 0; i < gray.length; i++) gray[i] = ((i % 160) * 7 + Math.floor(i / 160) * 3) % 256;
  const png = encodeGrayPng(gray, 160, 120);
  const data = new Uint8ClampedArray(gray.length * 4);
  gray.forEach((v, i) => data.set([v, v, v, 255], i * 4));
  const image = { width: 160, height: 120, data };
  const faces: DetectedFace[] = ALIGN_FACES.slice(0, 3).map((f) => ({ ...f, score: 0.9 }));
  const seen: Uint8Array[][] = [];
  const models = {
    detector: { detect: () => Promise.resolve(faces) },
    classifier: {
      labels: EMOTIONS,
      faceBytes: 2304,
      classify(crops: readonly Uint8Array[]) {
        seen.push([...crops]);
        return Promise.resolve(crops.map(() => ({
          emotion: "happy",
          confidence: 1,
          scores: Object.fromEntries(EMOTIONS.map((e) => [e, e === "happy" ? 1 : 0])),
        })));
      },
    },
  };
  await predictImage(png, models);
  assertEquals(seen[0], cropAlignedFacesFromContext(fakeContext(image), faces, 160, 120));
  await predictImage(png, models, { align: false });
  assertEquals(seen[1], faces.map((f) => cropFaceGray48(image, f.box)));
});

Deno.test("page crop rejects empty boxes and mis-sized pixel buffers", async () => {
  await assertThrows(() => ferCropWindow({ x: 0, y: 0, width: 0, height: 10 }), "positive size");
  await assertThrows(
    () =>
      cropFaceGray48({ width: 4, height: 4, data: new Uint8Array(10) }, {
        x: 0,
        y: 0,
        width: 2,
        height: 2,
      }),
    "has 10 bytes",
  );
});

Deno.test("smoother follows a moving face, damps a one-frame flip and forgets lost faces", () => {
  const s = new ScoreSmoother({ alpha: 0.4, maxAgeMs: 1000 });
  const happy = [0, 0, 0, 0.9, 0, 0, 0.1];
  const sad = [0, 0, 0, 0.1, 0.9, 0, 0];
  const [a] = s.update([{ x: 100, y: 100, width: 80, height: 80 }], [happy], 0);
  const [b] = s.update([{ x: 104, y: 102, width: 80, height: 80 }], [sad], 150);
  assertEquals(b.id, a.id, "same face across frames");
  assertEquals(argmax(b.scores).index, 3, "one sad frame does not flip a happy face");
  s.update([{ x: 106, y: 103, width: 80, height: 80 }], [sad], 300);
  const [c] = s.update([{ x: 108, y: 103, width: 80, height: 80 }], [sad], 450);
  assertEquals(argmax(c.scores).index, 4, "a steady change wins after a few frames");
  const [other] = s.update([{ x: 400, y: 100, width: 80, height: 80 }], [happy], 500);
  assertOk(other.id !== a.id, "a far-away box is a new face");
  assertEquals(s.lookup({ x: 108, y: 103, width: 80, height: 80 }, 2000), undefined);
  assertEquals(
    iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 0, width: 10, height: 10 }),
    1 / 3,
  );
  assertEquals(
    iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 20, y: 0, width: 10, height: 10 }),
    0,
  );
});

Deno.test("smoother rejects mismatched rows and bad alpha", async () => {
  await assertThrows(
    () => new ScoreSmoother().update([{ x: 0, y: 0, width: 1, height: 1 }], [], 0),
    "1 boxes",
  );
  await assertThrows(() => new ScoreSmoother({ alpha: 0 }), "alpha");
});

Deno.test("classify payload packs faces back to back and rejects wrong sizes", async () => {
  const faces = [new Uint8Array(2304).fill(7), new Uint8Array(2304).fill(9)];
  const body = packFaces(faces);
  assertEquals(body.length, 4608);
  assertEquals([body[0], body[2303], body[2304], body[4607]], [7, 7, 9, 9]);
  await assertThrows(() => packFaces([new Uint8Array(100)]), "face 0 has 100 bytes");
});

Deno.test("mirror views add ?tta=flip to the server's URLs, and only then", async () => {
  assertEquals(withTta("/api/classify", "none"), "/api/classify");
  assertEquals(withTta("/api/classify", "flip"), "/api/classify?tta=flip");
  assertEquals(withTta("/api/predict?detect=false", "flip"), "/api/predict?detect=false&tta=flip");
  const urls: string[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input: RequestInfo | URL) => {
    urls.push(String(input));
    const scores = [0.1, 0, 0, 0.7, 0, 0, 0.2];
    return Promise.resolve(Response.json({ faces: [{ scores }] }));
  };
  try {
    const face = new Uint8Array(2304);
    assertEquals((await classifyOnServer([face], EMOTIONS, { tta: "flip" }))[0][3], 0.7);
    await classifyOnServer([face], EMOTIONS);
  } finally {
    globalThis.fetch = realFetch;
  }
  assertEquals(urls, ["/api/classify?tta=flip", "/api/classify"]);
});

Deno.test("classify and predict answers are read in label order, bad ones rejected", async () => {
  const scores = { angry: 0.1, disgust: 0, fear: 0, happy: 0.7, sad: 0, surprise: 0, neutral: 0.2 };
  assertEquals(scoresToArray(scores, EMOTIONS), [0.1, 0, 0, 0.7, 0, 0, 0.2]);
  const row = [0.1, 0, 0, 0.7, 0, 0, 0.2];
  assertEquals(parseClassifyResponse({ faces: [{ scores }] }, EMOTIONS), [row]);
  const plain = [1, 2, 3, 4, 5, 6, 7];
  assertEquals(parseClassifyResponse({ scores: [plain] }, EMOTIONS), [plain]);
  await assertThrows(() => parseClassifyResponse({ error: "x" }, EMOTIONS), "no faces");
  await assertThrows(() => scoresToArray({ happy: 1 }, EMOTIONS), `"angry" is missing`);
  const faces = parsePredictResponse({
    faces: [{
      box: { x: 1, y: 2, width: 3, height: 4 },
      emotion: "happy",
      confidence: 0.7,
      scores,
    }],
  }, EMOTIONS);
  assertEquals(faces[0].box, { x: 1, y: 2, width: 3, height: 4 });
  assertEquals(faces[0].emotion, "happy");
  await assertThrows(
    () => parsePredictResponse({ faces: [{ emotion: "happy", scores }] }, EMOTIONS),
    "no box",
  );
});

Deno.test("fake-camera clip: y4m header, one FRAME per shift, 4:2:0 planes, gray stays neutral", async () => {
  const width = 4, height = 2;
  const data = new Uint8ClampedArray(width * height * 4).fill(128);
  const clip = rgbaToY4m({ width, height, data }, { fps: 10, shifts: [0, 1] });
  const header = "YUV4MPEG2 W4 H2 F10:1 Ip A1:1 C420jpeg\n";
  assertEquals(new TextDecoder().decode(clip.subarray(0, header.length)), header);
  const frame = 6 + 8 + 2 + 2;
  assertEquals(clip.length, header.length + 2 * frame);
  const first = clip.subarray(header.length + 6, header.length + frame);
  assertEquals([...first.subarray(0, 8)], Array(8).fill(126), "Y of mid-gray (limited range)");
  assertEquals([...first.subarray(8)], [128, 128, 128, 128], "no chroma for gray");
  await assertThrows(() => rgbaToY4m({ width: 3, height: 2, data: new Uint8Array(24) }), "even");
});
