/**
 * `deno task bench:csv [PATH]`: reading FER2013 with the byte-level reader of `training/data/fer_csv.ts`
 * against papaparse (the maintained parser the issue suggested), both streaming the same gzip file
 * through the same decompressor (`training/data/gunzip.ts`) and producing uint8 pixels, in the same run.
 * Gunzip alone is timed as the floor.
 * Default PATH: ../shared/data/fer2013/fer2013-dev.csv.gz.
 *
 * @module
 */
import Papa from "papaparse";
import { readFerCsv } from "../data/fer_csv.ts";
import { gunzip } from "../data/gunzip.ts";
import { defineFlags, parseFlags, UsageError } from "../../term/flags.ts";
import { runMain } from "../../term/run_main.ts";

const FLAGS = defineFlags({
  help: `deno task bench:csv [PATH]

Reads a gzipped FER2013 CSV with training/data/fer_csv.ts and with papaparse (the baseline), best of
3 rounds each, gunzip alone timed as the floor.

  PATH   the .csv.gz to read (default ../shared/data/fer2013/fer2013-dev.csv.gz)
`,
  positionals: true,
  options: {},
});

function gunzipped(path: string): Promise<ReadableStream<Uint8Array>> {
  return Deno.open(path).then((file) => ReadableStream.from(gunzip(file.readable)));
}

async function gunzipOnly(path: string): Promise<number> {
  let bytes = 0;
  for await (const chunk of await gunzipped(path)) bytes += chunk.length;
  return bytes;
}

async function papaparse(path: string): Promise<number> {
  const decode = new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>;
  const text = (await gunzipped(path)).pipeThrough(decode);
  const pixels = new Uint8Array(2304);
  let rows = 0;
  let carry = "";
  for await (const chunk of text) {
    // FER2013 has no quoted newlines, so whole lines can be handed to Papa chunk by chunk.
    const joined = carry + chunk;
    const cut = joined.lastIndexOf("\n");
    carry = joined.slice(cut + 1);
    for (const row of Papa.parse<string[]>(joined.slice(0, cut), { skipEmptyLines: true }).data) {
      if (row[0] === "emotion") continue;
      const field = row[1];
      let value = 0;
      let k = 0;
      for (let i = 0; i < field.length; i++) {
        const c = field.charCodeAt(i);
        if (c === 32) {
          pixels[k++] = value;
          value = 0;
        } else value = value * 10 + c - 48;
      }
      pixels[k] = value;
      rows++;
    }
  }
  return rows;
}

async function ours(path: string): Promise<number> {
  let rows = 0;
  for await (const _row of readFerCsv(path)) rows++;
  return rows;
}

async function main(args: string[]): Promise<number> {
  const { positionals } = parseFlags(args, FLAGS);
  if (positionals.length > 1) throw new UsageError(`expected one PATH, got ${positionals.length}`);
  const path = positionals[0] ?? "../shared/data/fer2013/fer2013-dev.csv.gz";
  const seconds = async (
    run: (path: string) => Promise<number>,
  ): Promise<[number, number]> => {
    const start = performance.now();
    const count = await run(path);
    return [(performance.now() - start) / 1000, count];
  };
  const best = { gunzip: Infinity, papaparse: Infinity, ours: Infinity };
  let rows = 0;
  for (let round = 0; round < 3; round++) {
    best.gunzip = Math.min(best.gunzip, (await seconds(gunzipOnly))[0]);
    best.papaparse = Math.min(best.papaparse, (await seconds(papaparse))[0]);
    const [s, n] = await seconds(ours);
    best.ours = Math.min(best.ours, s);
    rows = n;
  }
  console.log(`${rows} rows, best of 3 rounds:`);
  console.log(`gunzip only                 ${best.gunzip.toFixed(2)} s`);
  console.log(`papaparse + pixel parse     ${best.papaparse.toFixed(2)} s (baseline)`);
  console.log(`training/data/fer_csv.ts    ${best.ours.toFixed(2)} s (validates every row too)`);
  console.log(
    `speed-up ${(best.papaparse / best.ours).toFixed(2)}x end to end, ` +
      `${((best.papaparse - best.gunzip) / (best.ours - best.gunzip)).toFixed(2)}x after gunzip`,
  );
  return 0;
}

if (import.meta.main) await runMain("bench:csv", main);
