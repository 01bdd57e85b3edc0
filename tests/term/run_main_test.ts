import { assertEquals } from "../assert.ts";

/** Runs a throwaway script whose `main` is `body`, through runMain; returns exit code and stderr. */
async function runScript(body: string): Promise<{ code: number; stderr: string }> {
  const dir = await Deno.makeTempDir({ prefix: "fer-run-main-" });
  try {
    const script = `${dir}/tool.ts`;
    const module = new URL("../../term/run_main.ts", import.meta.url).href;
    await Deno.writeTextFile(
      script,
      `import { runMain } from "${module}";\n` +
        `await runMain("tool", async (args: string[]) => { ${body} });\n`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-config", script, "x"],
      stdout: "null",
      stderr: "piped",
    }).output();
    return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("runMain exits with the code main returns", async () => {
  assertEquals(await runScript("return args.length === 1 ? 3 : 0;"), { code: 3, stderr: "" });
});

Deno.test("runMain prints a thrown error as one line named after the tool and exits 1", async () => {
  assertEquals(await runScript('throw new Error("no model in ./missing");'), {
    code: 1,
    stderr: "tool: no model in ./missing\n",
  });
});
