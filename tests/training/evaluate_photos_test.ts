/**
 * `evaluate:photos`: `labels.csv` rows (bad ones named by line), the metrics (no face = wrong,
 * macro recall over the classes present), the per-photo pass over a tiny generated folder (the
 * face with the highest detection score is judged, unreadable photos recorded), and the CLI itself
 * on committed fixtures with the shipped model.
 *
 * @module
 */
import { parseLabelsCsv } from "../../training/photos/labels_csv.ts";
import { summarizePhotos } from "../../training/photos/metrics.ts";
import { type PhotoPrediction, predictPhotos } from "../../training/photos/predict_photos.ts";
import { photoModes } from "../../training/photos/evaluate_folder.ts";
import { encodeGrayPng } from "../../training/data/png.ts";
import { FER_EMOTIONS } from "../../src/face.ts";
import type { DetectedFace } from "../../src/detector/types.ts";
import type { RgbaImage } from "../../src/image/decode.ts";
import { withTempDir } from "../temp_dir.ts";
import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../assert.ts";

const LABELS = [...FER_EMOTIONS];
const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("labels.csv: good rows kept, bad rows named by line, header required", async () => {
  const csv = "file,label\r\na.jpg,happy\n\nb.jpg,fear,extra\nc.jpg,contempt\n" +
    '../d.jpg,sad\na.jpg,sad\n"e, f.jpg",neutral\n';
  const { photos, bad } = await parseLabelsCsv(bytes(csv), LABELS);
  assertEquals(photos, [
    { file: "a.jpg", label: "happy", line: 2 },
    { file: "e, f.jpg", label: "neutral", line: 8 },
  ]);
  assertEquals(bad.map((b) => b.line), [4, 5, 6, 7]);
  assertOk(bad[0].reason.includes("found 3"), bad[0].reason);
  assertOk(bad[1].reason.includes(`unknown label "contempt"`), bad[1].reason);
  assertOk(bad[2].reason.includes("inside the folder"), bad[2].reason);
  assertOk(bad[3].reason.includes("already listed on line 2"), bad[3].reason);
  await assertThrows(() => parseLabelsCsv(bytes("name,emotion\na.jpg,happy\n"), LABELS), "header");
  await assertThrows(() => parseLabelsCsv(bytes(""), LABELS), "empty");
});

const record = (label: string, predicted: string | null): PhotoPrediction => ({
  file: `${label}-${predicted}.jpg`,
  label,
  predicted,
  scores: null,
  detectionScore: predicted ? 0.9 : null,
  box: null,
  faces: predicted ? 1 : 0,
});

Deno.test("metrics: a photo without a face is wrong; macro recall counts only classes present", () => {
  const m = summarizePhotos([
    record("happy", "happy"),
    record("happy", "happy"),
    record("happy", "sad"),
    record("happy", null),
    record("sad", "sad"),
    record("sad", null),
    record("angry", "happy"),
  ], LABELS);
  assertEquals([m.photos, m.found], [7, 5]);
  assertAlmostEquals(m.foundRate, 5 / 7, 1e-12);
  assertAlmostEquals(m.accuracy, 3 / 7, 1e-12);
  assertAlmostEquals(m.accuracyFound, 3 / 5, 1e-12);
  // happy 2/4, sad 1/2, angry 0/1; disgust, fear, surprise and neutral have no photos.
  assertAlmostEquals(m.macroRecall, (0.5 + 0.5 + 0) / 3, 1e-12);
  const happy = m.classes.find((c) => c.label === "happy")!;
  assertEquals([happy.support, happy.found, happy.recall], [4, 3, 0.5]);
  assertEquals(m.columns.at(-1), "no face");
  assertEquals(m.confusion[3], [0, 0, 0, 2, 1, 0, 0, 1], "happy row: 2 happy, 1 sad, 1 no face");
  assertEquals(m.confusion[0][3], 1, "angry predicted happy");
});

Deno.test("metrics: ECE over the photos with a face, from the scores as served", () => {
  const scored = (label: string, predicted: string, top: number): PhotoPrediction => {
    const rest = (1 - top) / (LABELS.length - 1);
    const scores = Object.fromEntries(LABELS.map((l) => [l, l === predicted ? top : rest]));
    return { ...record(label, predicted), scores };
  };
  // Bin (0.8667, 0.9333]: two at 0.9, one right -> |0.5 - 0.9| = 0.4 over 2 of 4 photos with a
  // face; bin (0.5333, 0.6]: two at 0.6, both right -> |1 - 0.6| = 0.4 over 2 of 4. The photo
  // without a face is left out. ECE = 0.5 * 0.4 + 0.5 * 0.4 = 0.4.
  const m = summarizePhotos([
    scored("happy", "happy", 0.9),
    scored("sad", "happy", 0.9),
    scored("sad", "sad", 0.6),
    scored("angry", "angry", 0.6),
    record("neutral", null),
  ], LABELS);
  assertAlmostEquals(m.ece, 0.4, 1e-9);
  assertAlmostEquals(m.confidence, 0.75, 1e-9);
});

/** A flat 64x64 gray PNG of `value`. */
function pngOf(value: number): Uint8Array {
  return encodeGrayPng(new Uint8Array(64 * 64).fill(value), 64, 64);
}

Deno.test("photo pass: the best-scored face is judged, misses and unreadable photos are kept", async () => {
  await withTempDir("fer-photos-", async (dir) => {
    await Deno.writeFile(`${dir}/bright.png`, pngOf(220));
    await Deno.writeFile(`${dir}/dark.png`, pngOf(30));
    await Deno.writeFile(`${dir}/two.png`, pngOf(128));
    await Deno.writeFile(`${dir}/broken.jpg`, bytes("not an image"));
    const photos = [
      "bright.png:happy",
      "dark.png:sad",
      "two.png:happy",
      "broken.jpg:sad",
      "gone.png:sad",
    ]
      .map((s, i) => ({ file: s.split(":")[0], label: s.split(":")[1], line: i + 2 }));
    // One face in the bright and dark photos; two in the mid-gray one, the better-scored listed
    // second.
    const detector = {
      detect(image: RgbaImage): Promise<DetectedFace[]> {
        const v = image.data[0];
        const box = { x: 8, y: 8, width: 40, height: 40 };
        if (v === 128) {
          return Promise.resolve([
            { box: { x: 30, y: 10, width: 30, height: 30 }, score: 0.7, keypoints: [] },
            { box: { x: 2, y: 10, width: 30, height: 30 }, score: 0.95, keypoints: [] },
          ]);
        }
        return Promise.resolve([{ box, score: 0.8, keypoints: [] }]);
      },
    };
    // Happy for a bright crop, sad for a dark one; of the two mid-gray faces, the second crop of
    // the call (the better-scored face) is happy and the first neutral.
    const classifier = {
      labels: LABELS,
      faceBytes: 2304,
      classify(crops: readonly Uint8Array[]) {
        return Promise.resolve(crops.map((c, i) => {
          const emotion = c[0] > 200 ? "happy" : c[0] < 60 ? "sad" : i === 1 ? "happy" : "neutral";
          return {
            emotion,
            confidence: 1,
            scores: Object.fromEntries(LABELS.map((l) => [l, l === emotion ? 1 : 0])),
          };
        }));
      },
    };
    const done: number[] = [];
    const records = await predictPhotos(dir, photos, { detector, classifier }, {
      detect: true,
      align: false,
    }, { onProgress: (n) => done.push(n) });
    assertEquals(done, [1, 2, 3, 4, 5]);
    assertEquals(records.map((r) => r.predicted), ["happy", "sad", "happy", null, null]);
    assertEquals(records[2].faces, 2);
    assertEquals(records[2].detectionScore, 0.95, "the face with the higher detection score");
    assertEquals(records[2].box?.x, 2);
    assertEquals(records[2].crop?.length, 2304);
    assertOk(records[3].error && records[4].error, "unreadable photos carry their error");
    const m = summarizePhotos(records, LABELS);
    assertEquals([m.found, m.errors], [3, 2]);
    assertAlmostEquals(m.accuracy, 3 / 5, 1e-12);
    // Without detection the whole photo is the face.
    const whole = await predictPhotos(dir, photos.slice(0, 2), { detector, classifier }, {
      detect: false,
      align: false,
    });
    assertEquals(whole.map((r) => [r.predicted, r.detectionScore]), [["happy", 1], ["sad", 1]]);
  });
});

Deno.test("modes: detect on runs each alignment, detect off runs the whole photo once", () => {
  assertEquals(photoModes("on", "on"), [{ detect: true, align: true }]);
  assertEquals(photoModes("both", "both"), [
    { detect: true, align: true },
    { detect: true, align: false },
    { detect: false, align: false },
  ]);
  assertEquals(photoModes("off", "both"), [{ detect: false, align: false }]);
});

const SCRIPT = new URL("../../training/commands/evaluate_photos.ts", import.meta.url).pathname;

async function cli(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPT, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test("CLI: --help exits 0, unknown flags and bad values exit 2 with one line", async () => {
  const help = await cli(["--help"]);
  assertEquals(help.code, 0);
  assertOk(help.stdout.includes("--detect MODE"), help.stdout);
  for (const args of [["--dir", "x", "--frobnicate"], ["--dir", "x", "--detect", "maybe"], []]) {
    const bad = await cli(args);
    assertEquals(bad.code, 2, `${args.join(" ")}: ${bad.stderr}`);
    assertEquals(bad.stderr.trim().split("\n").length, 1, bad.stderr);
    assertOk(bad.stderr.startsWith("deno task evaluate:photos: "), bad.stderr);
  }
});

Deno.test("CLI on a tiny folder: tight crops found, the no-face photo missed, report and JSON", async () => {
  const fixtures = new URL("../fixtures/", import.meta.url);
  await withTempDir("fer-photos-cli-", async (dir) => {
    for (const f of ["faces/tight1.jpg", "faces/face48.png", "noface/landscape.jpg"]) {
      await Deno.copyFile(new URL(f, fixtures), `${dir}/${f.split("/")[1]}`);
    }
    await Deno.writeTextFile(
      `${dir}/labels.csv`,
      "file,label\ntight1.jpg,happy\nface48.png,happy\nlandscape.jpg,neutral\nnone.jpg,bogus\n",
    );
    const run = await cli(["--dir", dir, "--report", `${dir}/out/report.html`]);
    assertEquals(run.code, 0, run.stderr);
    assertOk(run.stderr.includes("labels.csv line 5: unknown label"), run.stderr);
    assertOk(run.stdout.includes("faces found   2/3 (66.7%)"), run.stdout);
    const json = JSON.parse(await Deno.readTextFile(`${dir}/out/report.json`));
    assertEquals(json.badRows.map((b: { line: number }) => b.line), [5]);
    const [mode] = json.modes;
    assertEquals([mode.detect, mode.align, mode.retry], [true, true, true]);
    const predictions = mode.predictions as PhotoPrediction[];
    assertEquals(predictions.map((p) => p.file), ["tight1.jpg", "face48.png", "landscape.jpg"]);
    assertEquals(predictions[2].predicted, null);
    const correct = predictions.filter((p) => p.predicted === p.label).length;
    assertAlmostEquals(mode.metrics.accuracy, correct / 3, 1e-12);
    const html = await Deno.readTextFile(`${dir}/out/report.html`);
    assertOk(html.includes("landscape.jpg") && html.includes("data:image/png;base64,"));
    assertOk(html.includes("image-rendering: pixelated"));
  });
});
