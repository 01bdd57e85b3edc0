/**
 * No good row is lost silently (issue 23): each bad row is one physical line, reported with its
 * line number, and everything else in the file is read. Every test uses a generated 105-row file.
 */
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";
import {
  type BadRow,
  emptyFerCsvStats,
  FerCsvError,
  readFerCsv,
  type ReadFerCsvOptions,
} from "../../../training/data/fer_csv.ts";
import { collect, ferFileLines, gzipOf, streamOf } from "./fer_rows.ts";

const ROWS = 105;

async function read(input: string | Uint8Array, options: ReadFerCsvOptions = {}) {
  const bad: BadRow[] = [];
  const stats = emptyFerCsvStats();
  const rows = await collect(
    readFerCsv(streamOf(input, 4096), { onBadRow: (b) => bad.push(b), stats, ...options }),
  );
  return { rows, bad, stats };
}

/** The generated file with `edit` applied to the given physical lines. */
function fileWith(edits: Record<number, (line: string) => string>, ending = "\n"): string {
  const lines = ferFileLines(ROWS);
  for (const [line, edit] of Object.entries(edits)) {
    lines[Number(line) - 1] = edit(lines[Number(line) - 1]);
  }
  return lines.join(ending) + ending;
}

const strayQuoteBeforePixels = (line: string) => line.replace(",", ',"');
const allLinesBut = (...skipped: number[]) =>
  Array.from({ length: ROWS }, (_, i) => i + 2).filter((line) => !skipped.includes(line));

Deno.test("bad rows: a stray quote before the pixels on line 5 loses only line 5", async () => {
  const { rows, bad, stats } = await read(fileWith({ 5: strayQuoteBeforePixels }));
  assertEquals(rows.length, 104);
  assertEquals(rows.map((r) => r.line), allLinesBut(5));
  assertEquals(bad.map((b) => [b.line, b.kind]), [[5, "quoting"]]);
  assertOk(bad[0].reason.includes("still open at the end of the line"), bad[0].reason);
  assertEquals([stats.rows, stats.yielded], [105, 104]);
  // All three splits are still there (the old reader reported PublicTest "not in the source").
  assertEquals(new Set(rows.map((r) => r.usage)).size, 3);
  const error = await assertThrows(
    () => read(fileWith({ 5: strayQuoteBeforePixels }), { strict: true }),
    "line 5: ",
  );
  assertEquals((error as FerCsvError).line, 5);
});

Deno.test("bad rows: a malformed record never absorbs the good lines after it", async () => {
  // Line 5 opens a quote and line 10 has one more: a multi-line reader joins lines 5-10.
  const text = fileWith({ 5: strayQuoteBeforePixels, 10: (l) => l.replace(/,(\w+)$/, '",$1') });
  const { rows, bad } = await read(text);
  assertEquals(bad.map((b) => [b.line, b.kind]), [[5, "quoting"], [10, "quoting"]]);
  assertEquals(rows.map((r) => r.line), allLinesBut(5, 10));
});

Deno.test("bad rows: a 4-field row and a lower-case Usage are bad rows with their lines", async () => {
  const text = fileWith({ 5: (l) => `${l},extra`, 7: (l) => l.replace(/\w+$/, "training") });
  const { rows, bad } = await read(text);
  assertEquals(bad.map((b) => [b.line, b.kind, b.reason]), [
    [5, "field count", "4 fields, expected 3 (as in the header)"],
    [7, "usage", 'unknown Usage "training" (expected exactly Training, PublicTest, PrivateTest)'],
  ]);
  assertEquals(rows.map((r) => r.line), allLinesBut(5, 7));
});

Deno.test("bad rows: CR-only line endings are read, with the same lines", async () => {
  const { rows, bad } = await read(fileWith({ 5: strayQuoteBeforePixels }, "\r"));
  assertEquals(bad.map((b) => b.line), [5]);
  assertEquals(rows.map((r) => r.line), allLinesBut(5));
});

Deno.test("bad rows: a multi-member gzip is read whole", async () => {
  const lines = ferFileLines(ROWS);
  const cut = 50; // members split at a line, and one mid-line
  const first = lines.slice(0, cut).join("\n") + "\n" + lines[cut].slice(0, 100);
  const second = lines[cut].slice(100) + "\n" + lines.slice(cut + 1).join("\n") + "\n";
  const gz = await gzipOf(first);
  const members = new Uint8Array([...gz, ...(await gzipOf(second))]);
  const { rows, bad } = await read(members);
  assertEquals(bad, []);
  assertEquals(rows.map((r) => r.line), allLinesBut());
});

Deno.test("bad rows: trailing garbage after the gzip data is named, with its byte", async () => {
  const gz = await gzipOf(ferFileLines(ROWS).join("\n") + "\n");
  const withGarbage = new Uint8Array([...gz, ...new TextEncoder().encode("garbage\n")]);
  const rows: number[] = [];
  const error = await assertThrows(async () => {
    for await (const row of readFerCsv(streamOf(withGarbage, 4096))) rows.push(row.line);
  }, `trailing garbage after gzip data at byte ${gz.length}`);
  assertOk(!error.message.includes("broken gzip"), error.message);
  assertEquals(rows, allLinesBut(), "every row before the garbage was read");
});

Deno.test("bad rows: an empty or header-only file is an error, not an empty result", async () => {
  await assertThrows(() => read(""), "is empty");
  await assertThrows(() => read("\n\n"), "is empty");
  await assertThrows(() => read("emotion,pixels,Usage\n"), "has a header but no data rows");
  await assertThrows(() => read("\ufeffemotion,pixels,Usage\r\n\r\n"), "no data rows");
});

Deno.test("bad rows: a file without a Usage column gets a message that names no missing flag", async () => {
  const error = await assertThrows(() => read("emotion,pixels\n3,1 2 3\n"), "no Usage column");
  assertOk(!/pass|flag|--/.test(error.message), error.message);
});
