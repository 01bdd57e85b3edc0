import { assertEquals } from "../assert.ts";

/** Runs a throwaway script whose `main` is `body`, through runMain; returns exit code and stderr. */
async function runScript(
  body: string,
): Promise<{ code: number; stderr: string; stdout: string }> {
  const dir = await Deno.makeTempDir({ prefix: "fer-run-main-" });
  try {
    const script = `${dir}/tool.ts`;
    const module = new URL("../../term/run_main.ts", import.meta.url).href;
    const flags = new URL("../../term/flags.ts", import.meta.url).href;
    await Deno.writeTextFile(
      script,
      `import { runMain } from "${module}";\n` +
        `import { HelpRequested, UsageError } from "${flags}";\n` +
        `await runMain("tool", async (args: string[]) => { ${body} });\n`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-config", script, "x"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    return { code: out.code, stderr: text(out.stderr), stdout: text(out.stdout) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("runMain exits with the code main returns", async () => {
  assertEquals(await runScript("return args.length === 1 ? 3 : 0;"), {
    code: 3,
    stderr: "",
    stdout: "",
  });
});

Deno.test("runMain prints a thrown error as one line named after the tool and exits 1", async () => {
  assertEquals(await runScript('throw new Error("no model in ./missing");'), {
    code: 1,
    stderr: "tool: no model in ./missing\n",
    stdout: "",
  });
});

Deno.test("runMain: a usage error is one line naming the task and --help, exit 2", async () => {
  assertEquals(await runScript('throw new UsageError("unknown flag --frob");'), {
    code: 2,
    stderr: "deno task tool: unknown flag --frob (see --help)\n",
    stdout: "",
  });
});

Deno.test("runMain: a help request prints the help on stdout and exits 0", async () => {
  assertEquals(await runScript('throw new HelpRequested("deno task tool [flags]\\n");'), {
    code: 0,
    stderr: "",
    stdout: "deno task tool [flags]\n",
  });
});
