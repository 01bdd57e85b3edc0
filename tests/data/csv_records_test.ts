import { assertEquals, assertOk } from "../assert.ts";
import { csvRecords } from "../../src/data/csv_records.ts";
import { collect, streamOf } from "./fer_rows.ts";

const decoder = new TextDecoder();

async function parse(text: string, chunkSize?: number) {
  const records = await collect(csvRecords(streamOf(text, chunkSize)));
  return records.map((r) => ({
    line: r.line,
    fields: r.fields.map((f) => decoder.decode(f)),
    ...(r.unterminatedQuote ? { unterminatedQuote: true } : {}),
  }));
}

Deno.test("csv: LF, CRLF, missing final line end and blank lines give the same records", async () => {
  const expected = [
    { line: 1, fields: ["a", "b", "c"] },
    { line: 2, fields: ["1", "2 3", "x"] },
  ];
  assertEquals(await parse("a,b,c\n1,2 3,x\n"), expected);
  assertEquals(await parse("a,b,c\r\n1,2 3,x\r\n"), expected);
  assertEquals(await parse("a,b,c\n1,2 3,x"), expected);
  assertEquals(await parse("a,b,c\r\n\r\n1,2 3,x\n\n").then((r) => r.map((x) => x.fields)), [
    ["a", "b", "c"],
    ["1", "2 3", "x"],
  ]);
});

Deno.test("csv: blank lines still count towards line numbers", async () => {
  const records = await parse("h\n\n\nx\n");
  assertEquals(records.map((r) => r.line), [1, 4]);
});

Deno.test("csv: quoted fields keep commas, newlines and doubled quotes", async () => {
  const text = 'q,"a,b","say ""hi""\nthere"\nnext,"",plain\n';
  assertEquals(await parse(text), [
    { line: 1, fields: ["q", "a,b", 'say "hi"\nthere'] },
    { line: 3, fields: ["next", "", "plain"] },
  ]);
});

Deno.test("csv: records split across every possible chunk boundary parse identically", async () => {
  const text =
    '\ufeffemotion,pixels,Usage\r\n0,"1 2",Training\n3,4 5,"Public\nTest"\n6,7,PrivateTest';
  const whole = await parse(text);
  assertEquals(whole[0].fields, ["emotion", "pixels", "Usage"]); // byte-order mark dropped
  for (const size of [1, 2, 3, 5, 7, 13]) {
    assertEquals(await parse(text, size), whole, `chunk ${size}`);
    const first = await csvRecords(streamOf(text, size)).next();
    assertEquals(first.value?.fields[0][0], 0x65, `no byte-order mark left with chunk ${size}`);
  }
  assertEquals(await parse("ab", 1), [{ line: 1, fields: ["ab"] }]);
});

Deno.test("csv: an unterminated quote at end of input is flagged", async () => {
  const records = await parse('a,b\n1,"open\n2,3\n');
  assertEquals(records.length, 2);
  assertOk(records[1].unterminatedQuote);
  assertEquals(records[1].line, 2);
});
