import { assertEquals, assertOk, assertThrows } from "../../assert.ts";
import { gunzip, GzipError } from "../../../training/data/gunzip.ts";
import { gzipOf, pixelText, streamOf } from "./fer_rows.ts";

const decoder = new TextDecoder();

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

async function inflate(bytes: Uint8Array, chunkSize?: number): Promise<string> {
  const parts: string[] = [];
  for await (const chunk of gunzip(streamOf(bytes, chunkSize))) parts.push(decoder.decode(chunk));
  return parts.join("");
}

/** Decompresses until the error; returns it with the text read before it. */
async function inflateError(bytes: Uint8Array, chunkSize?: number) {
  let text = "";
  try {
    for await (const chunk of gunzip(streamOf(bytes, chunkSize))) text += decoder.decode(chunk);
  } catch (error) {
    assertOk(error instanceof GzipError, String(error));
    return { error, text };
  }
  throw new Error("expected a GzipError");
}

const TEXT_A = `first member\n${pixelText()}\n`;
const TEXT_B = `second member\n${pixelText((i) => 255 - (i % 256))}\n`;

Deno.test("gunzip: every member of a multi-member file, at any chunk size", async () => {
  const members = concatBytes(await gzipOf(TEXT_A), await gzipOf(""), await gzipOf(TEXT_B));
  for (const size of [1, 7, 1000, 1 << 20]) {
    assertEquals(await inflate(members, size), TEXT_A + TEXT_B, `chunk ${size}`);
  }
});

Deno.test("gunzip: optional header fields (extra, name, comment, header CRC) are skipped", async () => {
  const plain = await gzipOf(TEXT_A);
  const header = concatBytes(
    new Uint8Array([0x1f, 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3]),
    new Uint8Array([4, 0, 1, 2, 3, 4]), // extra field, 4 bytes
    new TextEncoder().encode("fer2013.csv\0a comment\0"),
    new Uint8Array([0xab, 0xcd]), // header CRC (not checked)
  );
  const named = concatBytes(header, plain.subarray(10));
  for (const size of [1, 5, 1000]) assertEquals(await inflate(named, size), TEXT_A, `${size}`);
});

Deno.test("gunzip: trailing garbage is named with its exact byte, after all the data", async () => {
  const gz = await gzipOf(TEXT_A);
  const withGarbage = concatBytes(gz, new TextEncoder().encode("garbage"));
  for (const size of [1, 3, 1000]) {
    const { error, text } = await inflateError(withGarbage, size);
    assertEquals(
      error.message,
      `trailing garbage after gzip data at byte ${gz.length} (not a gzip member)`,
    );
    assertOk(error.trailingGarbage);
    assertEquals(error.offset, gz.length);
    assertEquals(text, TEXT_A);
  }
  const zeros = await inflateError(concatBytes(gz, new Uint8Array(4)));
  assertOk(zeros.error.trailingGarbage);
});

Deno.test("gunzip: truncated and corrupt members are broken gzip, not garbage", async () => {
  const gz = await gzipOf(TEXT_A);
  const cases: [string, Uint8Array, string][] = [
    ["header", gz.subarray(0, 6), "ends inside the header of member 1"],
    [
      "data",
      gz.subarray(0, Math.floor(gz.length / 2)),
      "member 1 (from byte 0): the data ends inside it",
    ],
    ["trailer", gz.subarray(0, gz.length - 3), "ends inside the trailer of member 1"],
  ];
  const badCrc = gz.slice();
  badCrc[gz.length - 8] ^= 0xff;
  cases.push(["crc", badCrc, "member 1 (from byte 0) fails its CRC or length check"]);
  const corrupt = gz.slice();
  corrupt.fill(0x55, 12, 40);
  cases.push(["corrupt", corrupt, "broken gzip: member 1 (from byte 0): "]);
  const second = concatBytes(gz, gz.subarray(0, 20));
  cases.push([
    "second member",
    second,
    `member 2 (from byte ${gz.length}): the data ends inside it`,
  ]);
  for (const [name, bytes, expected] of cases) {
    const { error } = await inflateError(bytes, 7);
    assertOk(error.message.includes(expected), `${name}: ${error.message}`);
    assertOk(error.message.startsWith("broken gzip: "), `${name}: ${error.message}`);
    assertOk(!error.trailingGarbage, name);
  }
});

Deno.test("gunzip: stopping early closes the input", async () => {
  const gz = await gzipOf(TEXT_A.repeat(200));
  let offset = 0;
  let cancelled = false;
  const input = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= gz.length) return controller.close();
      controller.enqueue(gz.slice(offset, offset + 512));
      offset += 512;
    },
    cancel() {
      cancelled = true;
    },
  });
  for await (const _ of gunzip(input)) break;
  assertOk(cancelled, "the input stream was cancelled");
  assertOk(offset < gz.length, "not read to the end");
  await assertThrows(() => inflate(new Uint8Array([0x1f])), "ends inside the header");
});
