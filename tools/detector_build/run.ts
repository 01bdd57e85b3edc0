/**
 * `deno task build:detector`: writes the BlazeFace models with TFLite metadata to `static/models/`.
 * `--check` only verifies that the committed files equal a fresh build (exit 1 otherwise).
 *
 * @module
 */
import { defineFlags, parseFlags } from "../../term/flags.ts";
import { runMain } from "../../term/run_main.ts";
import { OUTPUT_DIR, packageBlazeFace, PACKAGED_MODELS, SOURCE_DIR } from "./build.ts";

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes.slice().buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

const FLAGS = defineFlags({
  help: `deno task build:detector [--check]

Writes the BlazeFace models with TFLite metadata to static/models/.

  --check   only verify that the committed files equal a fresh build (exit 1 otherwise)
`,
  options: { check: { type: "boolean", default: false } },
});

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  let stale = 0;
  await Deno.mkdir(OUTPUT_DIR, { recursive: true });
  for (const config of PACKAGED_MODELS) {
    const source = await Deno.readFile(new URL(config.file, SOURCE_DIR));
    const built = packageBlazeFace(source, config);
    const target = new URL(config.file, OUTPUT_DIR);
    const hash = (await sha256(built)).slice(0, 16);
    if (values.check) {
      const current = await Deno.readFile(target).catch(() => new Uint8Array(0));
      const same = current.length === built.length && current.every((b, i) => b === built[i]);
      if (!same) stale++;
      console.log(
        `${same ? "ok   " : "STALE"} static/models/${config.file} ${built.length} B sha256 ${hash}`,
      );
    } else {
      await Deno.writeFile(target, built);
      console.log(`wrote static/models/${config.file} ${built.length} B sha256 ${hash}`);
    }
  }
  if (stale > 0) {
    console.error(`${stale} model(s) differ from a fresh build; run \`deno task build:detector\``);
    return 1;
  }
  return 0;
}

if (import.meta.main) await runMain("build:detector", main);
