/** `deno task predict` as a user runs it: a subprocess on the tiny model, text and JSON output. */
import { assertAlmostEquals, assertEquals, assertOk } from "../assert.ts";
import { writeTinyModelDir } from "../classifier/tiny_model.ts";
import { useWasmBackend } from "../../src/backend.ts";
import { whitePng } from "../image/bad_images.ts";
import { loadClassifier } from "../../src/classifier/load.ts";
import { predictImage } from "../../src/server/predict_image.ts";
import { writeTinySet } from "../classifier/tiny_set.ts";
import { withTempDir } from "../temp_dir.ts";
import {
  FERPLUS_LABELS,
  writeMixedLabelSet,
  writeTinyFerPlusDir,
} from "../classifier/tiny_ferplus.ts";

// The tiny model is written on wasm too (the cpu backend would print its tfjs-node banner).
await useWasmBackend();

const CLI = new URL("../../cli/predict.ts", import.meta.url).pathname;
const FACE = new URL("../e2e/fixtures/face.jpg", import.meta.url).pathname;

async function predict(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", CLI, ...args],
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test("predict prints each face's emotion, confidence and time, or JSON", async () => {
  const dir = await writeTinyModelDir();
  try {
    const text = await predict("--image", FACE, "--model", dir);
    assertEquals(text.code, 0, text.stderr);
    const lines = text.stdout.trim().split("\n");
    assertOk(
      /face\.jpg: 640x480, 1 face \(decode [\d.]+ ms, detect [\d.]+ ms/.test(lines[0]),
      lines[0],
    );
    assertOk(
      /^ {2}face 1 at \d+,\d+ \d+x\d+: [A-Z][a-z]+ \d+\.\d% \([\d.]+ ms to classify\)$/.test(
        lines[1],
      ),
      lines[1],
    );

    const json = await predict(
      "--image",
      FACE,
      "--image",
      FACE,
      "--json",
      "--no-detect",
      "--model",
      dir,
    );
    assertEquals(json.code, 0, json.stderr);
    const rows = json.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assertEquals(rows.length, 2);
    assertEquals(rows[0].faces.length, 1);
    assertEquals(rows[0].faces[0].box, { x: 0, y: 0, width: 640, height: 480 });
    assertEquals(rows[0].faces, rows[1].faces);
    assertEquals(rows[0].tta, "none");

    const flip = await predict(
      "--image",
      FACE,
      "--json",
      "--no-detect",
      "--tta",
      "flip",
      "--model",
      dir,
    );
    assertEquals(flip.code, 0, flip.stderr);
    const flipped = JSON.parse(flip.stdout);
    assertEquals(flipped.tta, "flip");
    assertOk(
      flipped.faces[0].scores.happy !== rows[0].faces[0].scores.happy,
      "flip changed nothing",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("predict --model SET answers what the set gives in-process", async () => {
  await withTempDir("fer-predict-set-", async (dir) => {
    const setDir = await writeTinySet(dir, 0.8);
    const run = await predict("--image", FACE, "--json", "--no-detect", "--model", setDir);
    assertEquals(run.code, 0, run.stderr);
    assertOk(run.stderr.includes("model set tiny-set (a 75% + b 25%) loaded"), run.stderr);
    const set = await loadClassifier(setDir, { warmUpBatches: [] });
    try {
      const noDetector = { detect: () => Promise.reject(new Error("not called")) };
      const expected = await predictImage(await Deno.readFile(FACE), {
        detector: noDetector,
        classifier: set,
      }, { detect: false });
      assertEquals(JSON.parse(run.stdout).faces, JSON.parse(JSON.stringify(expected.faces)));
    } finally {
      set.dispose();
    }
  });
});

Deno.test("predict with a FER+ model prints its eight labels, contempt's score too", async () => {
  await withTempDir("fer-predict-ferplus-", async (dir) => {
    const model = await writeTinyFerPlusDir(`${dir}/ferplus`);
    const text = await predict("--image", FACE, "--no-detect", "--model", model);
    assertEquals(text.code, 0, text.stderr);
    assertOk(text.stderr.includes(`; 8 labels: ${FERPLUS_LABELS.join(", ")}`), text.stderr);
    const lines = text.stdout.trim().split("\n");
    assertOk(/^ {2}face 1 at 0,0 640x480: Contempt \d+\.\d% /.test(lines[1]), lines[1]);
    // One line of every label's score, in the model's order.
    const scores = lines[2].trim().split(" · ").map((part) => part.split(" "));
    assertEquals(scores.map(([label]) => label), FERPLUS_LABELS);
    const percents = scores.map(([, p]) => Number(p.replace("%", "")));
    assertOk(Math.abs(percents.reduce((a, b) => a + b, 0) - 100) <= 0.4, lines[2]);
    const json = await predict("--image", FACE, "--no-detect", "--json", "--model", model);
    assertEquals(json.code, 0, json.stderr);
    const [face] = JSON.parse(json.stdout).faces;
    assertEquals([Object.keys(face.scores), face.emotion], [FERPLUS_LABELS, "contempt"]);
    // The text's percentages (1 decimal) are the JSON's scores (4 decimals).
    FERPLUS_LABELS.forEach((l, k) => assertAlmostEquals(percents[k], face.scores[l] * 100, 0.051));
    // A set mixing a 7-label and an 8-label member is refused with the reason.
    const mixed = await predict("--image", FACE, "--model", await writeMixedLabelSet(dir));
    assertEquals(mixed.code, 1);
    assertOk(mixed.stderr.includes("(7 classes against the set's 8)"), mixed.stderr);
  });
});

Deno.test("predict: clear messages and non-zero exits for bad usage, files and models", async () => {
  const usage = await predict();
  assertEquals(usage.code, 2);
  assertOk(usage.stderr.includes("--image is required"), usage.stderr);
  const badTta = await predict("--image", FACE, "--tta", "tencrop");
  assertEquals(badTta.code, 2);
  assertOk(badTta.stderr.includes("--tta must be none or flip"), badTta.stderr);
  const noModel = await predict("--image", FACE, "--model", "/nonexistent-model");
  assertEquals(noModel.code, 1);
  assertOk(noModel.stderr.includes("cannot load the model in /nonexistent-model"), noModel.stderr);
  const dir = await writeTinyModelDir();
  try {
    const bad = await predict("--image", CLI, "--image", "/nonexistent.jpg", "--model", dir);
    assertEquals(bad.code, 1);
    assertOk(bad.stderr.includes("not JPEG, PNG or WebP"), bad.stderr);
    assertOk(bad.stderr.includes("/nonexistent.jpg: cannot read"), bad.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("predict reports an image it cannot use and still analyses the next ones", async () => {
  // 20x1000 used to trap tfjs-wasm and end the CLI with an uncaught RuntimeError.
  const dir = await writeTinyModelDir();
  const tmp = await Deno.makeTempDir();
  try {
    const strip = `${tmp}/strip.png`;
    const needle = `${tmp}/needle.png`;
    await Deno.writeFile(strip, whitePng(20, 1000));
    await Deno.writeFile(needle, whitePng(1, 721));
    const out = await predict(
      "--image",
      strip,
      "--image",
      needle,
      "--image",
      FACE,
      "--json",
      "--model",
      dir,
    );
    assertEquals(out.code, 1, "an image failed");
    const rows = out.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assertEquals(rows.map((r) => [r.file, r.faces.length]), [[strip, 0], [FACE, 1]]);
    assertOk(out.stderr.includes(`${needle}: the image is 1x721`), out.stderr);
    assertOk(!/RuntimeError|Uncaught/.test(out.stderr), out.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(tmp, { recursive: true });
  }
});
