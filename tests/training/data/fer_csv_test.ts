import { assertEquals, assertOk, assertThrows } from "../../assert.ts";
import {
  type BadRow,
  emptyFerCsvStats,
  FerCsvError,
  readFerCsv,
  type ReadFerCsvOptions,
} from "../../../training/data/fer_csv.ts";
import { collect, ferLine, gzipOf, pixelText, streamOf } from "./fer_rows.ts";

const HEADER = "emotion,pixels,Usage";
const FIXTURE = new URL("../../fixtures/fer2013_sample.csv.gz", import.meta.url).pathname;

function read(text: string, options: ReadFerCsvOptions = {}) {
  return collect(readFerCsv(streamOf(text), options));
}

Deno.test("fer csv: rows carry line, emotion, split and exact pixels", async () => {
  const text = [HEADER, ferLine(3, "Training"), ferLine(0, "PublicTest", pixelText(() => 255))]
    .join("\n");
  const rows = await read(text);
  assertEquals(rows.map((r) => [r.line, r.emotion, r.label, r.usage]), [
    [2, 3, 3, "Training"],
    [3, 0, 0, "PublicTest"],
  ]);
  assertEquals(rows[0].pixels.length, 2304);
  assertEquals([rows[0].pixels[0], rows[0].pixels[255], rows[0].pixels[256]], [0, 255, 0]);
  assertOk(rows[1].pixels.every((p) => p === 255));
});

Deno.test("fer csv: header variants (order, case, quotes, spaces, BOM, extra column, none)", async () => {
  const pixels = pixelText((i) => i % 7);
  const variants = [
    `${HEADER}\n3,${pixels},Training\n`,
    `\ufeff"Usage" , " Pixels",EMOTION\r\nTraining,"${pixels}",3\r\n`,
    `id,emotion,usage,pixels\n17,3,Training,${pixels}\n`,
    `3,${pixels},Training\n`, // headerless, Kaggle order
  ];
  for (const text of variants) {
    const rows = await read(text);
    assertEquals(rows.length, 1, text.slice(0, 40));
    assertEquals([rows[0].emotion, rows[0].usage, rows[0].pixels[6]], [3, "Training", 6]);
  }
  await assertThrows(
    () => read("emotion,Usage\n3,Training\n"),
    "lacks an emotion or pixels column",
  );
  await assertThrows(() => read(`emotion,pixels\n3,${pixels}\n`), "has no Usage column");
  const defaulted = await read(`emotion,pixels\n3,${pixels}\n`, { defaultUsage: "PrivateTest" });
  assertEquals(defaulted[0].usage, "PrivateTest");
});

function badRowsText(): string {
  return [
    HEADER,
    ferLine(1, "Training"), // line 2 ok
    ferLine(2, "Training", pixelText(undefined, 2303)), // 3: too few pixels
    ferLine(2, "Training", pixelText((i) => (i === 9 ? 256 : 0))), // 4: out of range
    ferLine(7, "Training"), // 5: unknown label
    ferLine(2, "Validation"), // 6: unknown usage
    ferLine(2, "Training", pixelText((i) => (i === 3 ? "1.5" as unknown as number : 1))), // 7
    "4,1 2 3", // 8: too few fields
    ferLine(" 4", "PublicTest"), // 9 ok (padded label)
  ].join("\n");
}

Deno.test("fer csv: bad rows are skipped, counted and reported with their line numbers", async () => {
  const bad: BadRow[] = [];
  const stats = emptyFerCsvStats();
  const rows = await read(badRowsText(), { onBadRow: (b) => bad.push(b), stats });
  assertEquals(rows.map((r) => r.line), [2, 9]);
  assertEquals(bad.map((b) => [b.line, b.kind]), [
    [3, "pixel count"],
    [4, "pixel range"],
    [5, "label"],
    [6, "usage"],
    [7, "pixel value"],
    [8, "field count"],
  ]);
  assertEquals(bad[0].reason, "2303 pixel values, expected 2304");
  assertEquals(bad[1].reason, "pixel 10 is 256, outside 0..255");
  assertOk(bad[2].reason.includes('"7"'));
  assertOk(bad[4].reason.includes('"1.5"'));
  assertEquals(stats.rows, 8);
  assertEquals(stats.yielded, 2);
  assertEquals(Object.values(stats.bad).reduce((a, b) => a + b), 6);
});

Deno.test("fer csv: strict mode stops at the first bad row with its line", async () => {
  const error = await assertThrows(() => read(badRowsText(), { strict: true }), "line 3:");
  assertOk(error instanceof FerCsvError);
  assertEquals((error as FerCsvError).line, 3);
});

Deno.test("fer csv: expressions subset re-indexes labels in the given order", async () => {
  const text = [HEADER, ...[0, 1, 2, 3, 4, 5, 6].map((e) => ferLine(e, "Training"))].join("\n");
  const stats = emptyFerCsvStats();
  const rows = await read(text, { expressions: [6, 3, 0], stats });
  assertEquals(rows.map((r) => [r.emotion, r.label]), [[0, 2], [3, 1], [6, 0]]);
  assertEquals(stats.filtered, 4);
  await assertThrows(() => read(text, { expressions: [3, 3] }), "listed twice");
  await assertThrows(() => read(text, { expressions: [7] }), "not a FER2013 emotion id");
});

Deno.test("fer csv: limit applies per split", async () => {
  const lines = [HEADER];
  for (let i = 0; i < 5; i++) lines.push(ferLine(i, "Training"), ferLine(i, "PrivateTest"));
  const rows = await read(lines.join("\n"), { limit: 2 });
  assertEquals(rows.map((r) => r.usage), ["Training", "PrivateTest", "Training", "PrivateTest"]);
});

Deno.test("fer csv: gzip input is detected and streamed; a broken gzip names the line reached", async () => {
  const text = [HEADER, ...Array.from({ length: 40 }, (_, i) => ferLine(i % 7, "Training"))]
    .join("\n");
  const gz = await gzipOf(text);
  assertEquals((await collect(readFerCsv(streamOf(gz, 1000)))).length, 40);
  const truncated = gz.slice(0, Math.floor(gz.length * 0.6));
  const error = await assertThrows(
    () => collect(readFerCsv(streamOf(truncated, 1000))),
    "broken gzip",
  );
  assertOk(/^line \d+: /.test(error.message), error.message);
  const corrupt = gz.slice();
  corrupt.fill(0x55, 40, 200);
  await assertThrows(() => collect(readFerCsv(streamOf(corrupt))), "broken gzip");
});

Deno.test("fer csv: a missing file says where to get FER2013", async () => {
  const error = await assertThrows(() => collect(readFerCsv("/nonexistent/fer2013.csv")), "Kaggle");
  assertOk(error.message.includes("/nonexistent/fer2013.csv"));
  assertOk(!error.message.includes("\n"), "one line");
});

Deno.test("fer csv: the committed fixture is a stratified sample of real rows", async () => {
  const counts: Record<string, number[]> = {};
  for await (const row of readFerCsv(FIXTURE, { strict: true })) {
    (counts[row.usage] ??= new Array(7).fill(0))[row.emotion]++;
  }
  assertEquals(counts, { Training: new Array(7).fill(10), PublicTest: new Array(7).fill(5) });
});

Deno.test("fer csv: breaking out early closes the file", async () => {
  for await (const row of readFerCsv(FIXTURE)) {
    assertEquals(row.line, 2);
    break;
  }
  // Deno's sanitizers fail this test if the file or the stream were left open.
});
