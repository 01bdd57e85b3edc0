import { assertEquals, assertOk, assertThrows } from "../../assert.ts";
import {
  FACE_HOG,
  hog,
  loadFerCsvSplits,
  readManifest,
  readPreparedSplit,
  registerFeatureExtractor,
} from "../../../training/data/mod.ts";
import { prepareDataset, type PrepareOptions } from "../../../training/prepare/dataset.ts";
import { formatSummary } from "../../../training/prepare/summary.ts";
import { ferFileLines, ferLine, pixelText } from "./fer_rows.ts";
import { withTempDir } from "../../temp_dir.ts";

const FIXTURE = new URL("../../fixtures/fer2013_sample.csv.gz", import.meta.url).pathname;

/** A temporary output folder for one test. */
const withOutDir = (fn: (dir: string) => Promise<void>) => withTempDir("fer-prepare-", fn);

function options(out: string, extra: Partial<PrepareOptions> = {}): PrepareOptions {
  return {
    csv: FIXTURE,
    out,
    expressions: [0, 1, 2, 3, 4, 5, 6],
    features: ["hog", "hogWindows"],
    images: false,
    strict: true,
    ...extra,
  };
}

Deno.test("load: splits, re-indexed labels and features of the fixture in memory", async () => {
  const loaded = await loadFerCsvSplits(FIXTURE, { expressions: [3, 6], features: ["hog"] });
  assertEquals(loaded.labels, ["happy", "neutral"]);
  assertEquals(loaded.classCounts, { Training: [10, 10], PublicTest: [5, 5] });
  const training = loaded.splits.Training!;
  assertEquals(training.images.length, 20 * 2304);
  assertEquals(training.features.hog.length, 20 * 72);
  assertEquals(new Set(training.labels), new Set([0, 1]));
  // Row 5's features are the HOG of row 5's image.
  const image5 = training.images.subarray(5 * 2304, 6 * 2304);
  assertEquals(training.features.hog.subarray(5 * 72, 6 * 72), hog(image5, 48, 48, FACE_HOG));
  assertEquals(loaded.splits.PrivateTest, undefined);
});

Deno.test("load: unknown features fail before reading", async () => {
  await assertThrows(() => loadFerCsvSplits(FIXTURE, { features: ["colour"] }), "unknown feature");
});

Deno.test("load: registered extractors plug in by name", async () => {
  registerFeatureExtractor("meanTest", () => ({
    name: "meanTest",
    length: 1,
    extract(image, out, offset) {
      out[offset] = image.reduce((a, b) => a + b, 0) / image.length;
    },
  }));
  const csv = ["emotion,pixels,Usage", ferLine(1, "PrivateTest", pixelText(() => 9))].join("\n");
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await Deno.writeTextFile(path, csv);
    const loaded = await loadFerCsvSplits(path, { features: ["meanTest"] });
    assertEquals(Array.from(loaded.splits.PrivateTest!.features.meanTest), [9]);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("prepare: writes a cache that reads back with the fixture's counts and features", async () => {
  await withOutDir(async (out) => {
    const result = await prepareDataset(options(out));
    assertEquals(result.upToDate, false);
    const manifest = await readManifest(out);
    assertEquals(manifest.splits.Training, { count: 70, classCounts: new Array(7).fill(10) });
    assertEquals(manifest.splits.PublicTest.count, 35);
    assertEquals(manifest.features, { hog: 72, hogWindows: 2592 });
    assertEquals(manifest.source.bytes, (await Deno.stat(FIXTURE)).size);
    assertEquals(manifest.source.sha256.length, 64);
    const publicTest = await readPreparedSplit(out, "PublicTest", { features: ["hogWindows"] });
    assertEquals(publicTest.features.hogWindows.length, 35 * 2592);
    const memory = await loadFerCsvSplits(FIXTURE, { features: ["hogWindows"] });
    assertEquals(publicTest.images, memory.splits.PublicTest!.images);
    assertEquals(publicTest.features.hogWindows, memory.splits.PublicTest!.features.hogWindows);
    const summary = formatSummary(manifest, { ...result, out });
    assertOk(summary.includes("PrivateTest"), summary);
    assertOk(/Training\s+10\s+10\s+10\s+10\s+10\s+10\s+10\s+70/.test(summary), summary);
  });
});

Deno.test("prepare: same inputs are up to date; other options rebuild and drop stale files", async () => {
  await withOutDir(async (out) => {
    await prepareDataset(options(out));
    assertEquals((await prepareDataset(options(out))).upToDate, true);
    const subset = await prepareDataset(
      options(out, { expressions: [3, 4], features: ["hog"], limit: 4 }),
    );
    assertEquals(subset.upToDate, false);
    const manifest = await readManifest(out);
    assertEquals(manifest.labels, ["happy", "sad"]);
    assertEquals(manifest.splits.Training.count, 4);
    assertEquals(manifest.options.limit, 4);
    const files = (await Array.fromAsync(Deno.readDir(out))).map((e) => e.name).sort();
    assertEquals(files, [
      "PublicTest.hog.f32",
      "PublicTest.images.u8",
      "PublicTest.labels.u8",
      "Training.hog.f32",
      "Training.images.u8",
      "Training.labels.u8",
      "manifest.json",
    ]);
  });
});

Deno.test("prepare: --jpg writes one PNG per image under split and emotion", async () => {
  await withOutDir(async (out) => {
    await prepareDataset(options(out, { features: [], images: true, limit: 3 }));
    const root = `${out}/images/PublicTest`;
    const emotions = (await Array.fromAsync(Deno.readDir(root))).map((e) => e.name).sort();
    assertEquals(emotions, ["angry", "disgust", "sad"]); // the fixture's first 3 PublicTest rows
    const dir = `${root}/angry`;
    const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name);
    assertEquals(names, ["00000.png"]);
    const png = await Deno.readFile(`${dir}/${names[0]}`);
    assertEquals(Array.from(png.subarray(1, 4)), [0x50, 0x4e, 0x47]); // "PNG"
    assertEquals(new DataView(png.buffer).getUint32(16), 48); // IHDR width
  });
});

Deno.test("prepare: a failed run (strict, bad row) keeps the previous cache intact", async () => {
  await withOutDir(async (out) => {
    await prepareDataset(options(out, { features: [] }));
    const bad = `${out}/bad.csv`;
    await Deno.writeTextFile(bad, `emotion,pixels,Usage\n${ferLine(9, "Training")}\n`);
    await assertThrows(() => prepareDataset(options(out, { csv: bad, features: [] })), "line 2");
    assertEquals((await readManifest(out)).splits.Training.count, 70);
  });
});

/** Runs `deno task prepare` with `args`. */
const run = (...args: string[]) =>
  new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../../../training/commands/prepare.ts", import.meta.url).pathname,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("prepare CLI: prints the summary, rejects bad flags with exit code 2", async () => {
  await withOutDir(async (out) => {
    const ok = await run("--csv", FIXTURE, "--out", out, "--no-hog-windows", "--limit", "7");
    const stdout = new TextDecoder().decode(ok.stdout);
    assertEquals(ok.code, 0, new TextDecoder().decode(ok.stderr));
    assertOk(/PublicTest(\s+\d+){7}\s+7\n/.test(stdout), stdout);
    assertOk(stdout.includes("features per image: hog 72"), stdout);
    const bad = await run("--expressions", "happy");
    assertEquals(bad.code, 2);
    assertOk(new TextDecoder().decode(bad.stderr).includes("--expressions"));
  });
});

Deno.test("prepare CLI: a stray quote on line 5 of 105 rows costs that row only, and says so", async () => {
  await withOutDir(async (out) => {
    const lines = ferFileLines(105);
    lines[4] = lines[4].replace(",", ',"');
    const csv = `${out}/stray.csv`;
    await Deno.writeTextFile(csv, lines.join("\n") + "\n");
    const args = ["--csv", csv, "--out", `${out}/cache`, "--no-hog", "--no-hog-windows"];
    const result = await run(...args);
    const [stdout, stderr] = [text(result.stdout), text(result.stderr)];
    assertEquals(result.code, 0, stderr);
    assertOk(stdout.includes("rows read 105, kept 104, skipped bad 1 (quoting 1)"), stdout);
    assertOk(!stdout.includes("not in the source"), stdout);
    assertOk(stderr.includes("skipped 1 bad row:\n  line 5: quote opened at column 3"), stderr);
    const manifest = await readManifest(`${out}/cache`);
    assertEquals(Object.values(manifest.splits).map((s) => s.count), [34, 35, 35]);

    const strict = await run(...args, "--strict", "--force");
    assertEquals(strict.code, 1);
    assertOk(text(strict.stderr).includes("prepare: line 5: quote opened"), text(strict.stderr));
    assertEquals((await readManifest(`${out}/cache`)).splits.Training.count, 34, "cache kept");
  });
});

Deno.test("prepare CLI: empty, header-only and all-bad files exit 1 and keep the previous cache", async () => {
  await withOutDir(async (out) => {
    const cache = `${out}/cache`;
    assertEquals((await run("--csv", FIXTURE, "--out", cache, "--no-hog-windows")).code, 0);
    const cases: [string, string, string][] = [
      ["empty.csv", "", "is empty"],
      ["header.csv", "emotion,pixels,Usage\n", "has a header but no data rows"],
      [
        "bad.csv",
        `emotion,pixels,Usage\n${ferLine(9, "Training")}\n`,
        "no valid rows: the only data row of",
      ],
    ];
    for (const [name, content, message] of cases) {
      await Deno.writeTextFile(`${out}/${name}`, content);
      const result = await run("--csv", `${out}/${name}`, "--out", cache, "--no-hog-windows");
      assertEquals(result.code, 1, name);
      assertOk(text(result.stderr).includes(message), text(result.stderr));
    }
    // The all-bad file still lists its bad row before failing.
    const bad = await run("--csv", `${out}/bad.csv`, "--out", cache, "--no-hog-windows");
    assertOk(text(bad.stderr).includes("line 2: unknown emotion"), text(bad.stderr));
    assertEquals((await readManifest(cache)).splits.Training.count, 70);
  });
});
