/**
 * `deno task evaluate --csv` reports the rows it skipped (count, lines, reasons) and stops at the
 * first one with `--strict` (issue 23). Runs the shipped model on a generated 105-row file.
 */
import { join } from "node:path";
import { assertEquals, assertOk } from "../../assert.ts";
import { ferFileLines } from "../data/fer_rows.ts";
import { withTempDir } from "../../temp_dir.ts";

const EVALUATE = new URL("../../../training/commands/evaluate.ts", import.meta.url).pathname;
const MODEL = new URL("../../../models/default", import.meta.url).pathname;

async function evaluate(csv: string, ...flags: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      EVALUATE,
      "--model",
      MODEL,
      "--csv",
      csv,
      "--split",
      "Training",
      "--no-write",
      ...flags,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test("evaluate --csv: skipped rows are counted and listed with their lines; --strict stops at the first", async () => {
  await withTempDir("fer-evaluate-", async (dir) => {
    const lines = ferFileLines(105); // 35 Training rows, lines 5 and 8 among them
    const clean = join(dir, "clean.csv");
    await Deno.writeTextFile(clean, lines.join("\n") + "\n");
    lines[4] = lines[4].replace(",", ',"');
    lines[7] = `${lines[7]},extra`;
    const bad = join(dir, "bad.csv");
    await Deno.writeTextFile(bad, lines.join("\n") + "\n");

    const before = await evaluate(clean);
    assertEquals(before.code, 0, before.stderr);
    assertOk(before.stdout.includes("(n=35)"), before.stdout);
    assertOk(!before.stderr.includes("skipped"), before.stderr);

    const skipped = await evaluate(bad);
    assertEquals(skipped.code, 0, skipped.stderr);
    assertOk(skipped.stdout.includes("(n=33)"), skipped.stdout);
    assertOk(skipped.stderr.includes("skipped 2 bad rows:"), skipped.stderr);
    assertOk(/line 5: quote opened at column 3 is still open/.test(skipped.stderr), skipped.stderr);
    assertOk(skipped.stderr.includes("line 8: 4 fields, expected 3"), skipped.stderr);

    const strict = await evaluate(bad, "--strict");
    assertEquals(strict.code, 1);
    assertOk(strict.stderr.includes("evaluate: line 5: quote opened"), strict.stderr);
    assertEquals(strict.stdout, "");

    // The clean file still gives the same answer after the failures.
    const after = await evaluate(clean);
    assertEquals(after.stdout.replace(/[\d.]+ s\n/, ""), before.stdout.replace(/[\d.]+ s\n/, ""));
  });
});
