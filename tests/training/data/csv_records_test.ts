import { assertEquals } from "../../assert.ts";
import { csvRecords, type CsvRecordsOptions } from "../../../training/data/csv_records.ts";
import { collect, streamOf } from "./fer_rows.ts";

const decoder = new TextDecoder();

async function parse(text: string, chunkSize?: number, options?: CsvRecordsOptions) {
  const records = await collect(csvRecords(streamOf(text, chunkSize), options));
  return records.map((r) => ({
    line: r.line,
    fields: r.fields.map((f) => decoder.decode(f)),
    ...(r.problem ? { problem: r.problem.kind } : {}),
  }));
}

Deno.test("csv: LF, CRLF, CR-only, missing final line end and blank lines give the same records", async () => {
  const expected = [
    { line: 1, fields: ["a", "b", "c"] },
    { line: 2, fields: ["1", "2 3", "x"] },
  ];
  assertEquals(await parse("a,b,c\n1,2 3,x\n"), expected);
  assertEquals(await parse("a,b,c\r\n1,2 3,x\r\n"), expected);
  assertEquals(await parse("a,b,c\r1,2 3,x\r"), expected, "CR-only (old Mac) line ends");
  assertEquals(await parse("a,b,c\n1,2 3,x"), expected);
  assertEquals(await parse("a,b,c\r\n\r\n1,2 3,x\n\n").then((r) => r.map((x) => x.fields)), [
    ["a", "b", "c"],
    ["1", "2 3", "x"],
  ]);
});

Deno.test("csv: blank lines still count towards line numbers, with every kind of line end", async () => {
  assertEquals((await parse("h\n\n\nx\n")).map((r) => r.line), [1, 4]);
  assertEquals((await parse("h\r\r\rx\r")).map((r) => r.line), [1, 4]);
  assertEquals((await parse("h\r\n\r\n\r\nx\r\n")).map((r) => r.line), [1, 4]);
  // A CRLF cut between its CR and LF by a chunk boundary is still one line end.
  for (const size of [1, 2, 3]) {
    assertEquals((await parse("h\r\nab\r\nx", size)).map((r) => r.line), [1, 2, 3], `${size}`);
  }
});

Deno.test("csv: quoted fields keep commas and doubled quotes; spaces around quotes are allowed", async () => {
  const text = 'q,"a,b","say ""hi"""\nnext,"",plain\n "sp" , x\n';
  assertEquals(await parse(text), [
    { line: 1, fields: ["q", "a,b", 'say "hi"'] },
    { line: 2, fields: ["next", "", "plain"] },
    { line: 3, fields: ["sp", " x"] },
  ]);
});

Deno.test("csv: a quote still open at a line end is a bad line there, and the next line is read afresh", async () => {
  const text = 'a,b\n1,"open,x\n2,3\n4,5\n6,7"\n8,9\n';
  assertEquals(await parse(text), [
    { line: 1, fields: ["a", "b"] },
    { line: 2, fields: [], problem: "quoting" },
    { line: 3, fields: ["2", "3"] },
    { line: 4, fields: ["4", "5"] },
    { line: 5, fields: [], problem: "quoting" },
    { line: 6, fields: ["8", "9"] },
  ]);
  const [record] = await collect(csvRecords(streamOf('1,"open\n')));
  assertEquals(
    record.problem?.reason,
    "quote opened at column 3 is still open at the end of the line (FER2013 fields never span lines)",
  );
});

Deno.test("csv: stray quotes and text after a closing quote are bad lines", async () => {
  const records = await collect(csvRecords(streamOf('1,ab"c,x\n"a"b,y\nok,1\n')));
  assertEquals(records.map((r) => [r.line, r.problem?.reason, r.fields.length]), [
    [1, "stray quote at column 5 inside an unquoted field", 0],
    [2, "text after the closing quote at column 4", 0],
    [3, undefined, 2],
  ]);
});

Deno.test("csv: an overlong line is reported and skipped, the next line is read", async () => {
  const text = `a,b\n${"x".repeat(100)}\nc,d\n${"y".repeat(100)}`;
  for (const size of [7, 1000]) {
    assertEquals(await parse(text, size, { maxLineBytes: 50 }), [
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: [], problem: "line length" },
      { line: 3, fields: ["c", "d"] },
      { line: 4, fields: [], problem: "line length" },
    ], `chunk ${size}`);
  }
});

Deno.test("csv: records split across every possible chunk boundary parse identically", async () => {
  const text = '\ufeffemotion,pixels,Usage\r\n0,"1 2",Training\n3,4 5,"Public\nTest"\r6,"7",' +
    '"Private""Test"\r\n\r\n8,9,x';
  const whole = await parse(text);
  assertEquals(whole, [
    { line: 1, fields: ["emotion", "pixels", "Usage"] }, // byte-order mark dropped
    { line: 2, fields: ["0", "1 2", "Training"] },
    { line: 3, fields: [], problem: "quoting" },
    { line: 4, fields: [], problem: "quoting" },
    { line: 5, fields: ["6", "7", 'Private"Test'] },
    { line: 7, fields: ["8", "9", "x"] },
  ]);
  for (const size of [1, 2, 3, 5, 7, 13]) {
    assertEquals(await parse(text, size), whole, `chunk ${size}`);
    const first = await csvRecords(streamOf(text, size)).next();
    assertEquals(first.value?.fields[0][0], 0x65, `no byte-order mark left with chunk ${size}`);
  }
  assertEquals(await parse("ab", 1), [{ line: 1, fields: ["ab"] }]);
  assertEquals(await parse("\ufeff", 1), []);
});
