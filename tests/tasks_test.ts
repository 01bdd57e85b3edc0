/**
 * Every `deno task` keeps the one command-line convention (`term/flags.ts`): `--help` prints its
 * help on stdout and exits 0, and an unknown flag prints one line on stderr,
 * `deno task NAME: unknown flag --no-such-flag (see --help)`, and exits 2, never a stack trace.
 * The tasks are read from deno.json, so a new task is checked without touching this test.
 *
 * @module
 */
import { assertEquals, assertOk } from "./assert.ts";

const ROOT = new URL("../", import.meta.url);

/**
 * Tasks that wrap one of deno's own commands (`deno test`, `deno fmt && deno lint && deno check`):
 * their `--help` and their flags are deno's, which prints its own help and its own errors.
 */
const DENO_COMMANDS: Record<string, string> = {
  "test": "deno test: the flags are deno's own",
  "test:e2e": "deno test: the flags are deno's own",
  "check": "deno fmt, lint and check: the flags are deno's own",
};

/** How many tasks run at once: each is a deno process loading its modules. */
const CONCURRENCY = 3;

/**
 * How long one answer may take. A task that ignores `--help` may start its real work (a benchmark,
 * the server, the fuzzer): it is stopped here and reported instead of hanging the suite.
 */
const TIMEOUT_MS = 90_000;

async function tasks(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  return Object.keys(config.tasks as Record<string, string>);
}

interface TaskRun {
  code: number;
  stdout: string;
  stderr: string;
  /** It was still running after {@link TIMEOUT_MS}. */
  timedOut?: boolean;
}

async function runTask(name: string, args: string[]): Promise<TaskRun> {
  const child = new Deno.Command(Deno.execPath(), {
    // -q: without it, `deno task` itself prints a "Task NAME command" line on stderr.
    args: ["task", "-q", name, ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    // A server started by mistake (a task that ignores --help) stays on loopback.
    env: { NO_COLOR: "1", HOSTNAME: "127.0.0.1" },
  }).spawn();
  let timedOut = false;
  // `deno task` passes SIGTERM on to the command it started.
  const stop = (signal: Deno.Signal) => {
    try {
      child.kill(signal);
    } catch { /* already gone */ }
  };
  const timers = [
    setTimeout(() => {
      timedOut = true;
      stop("SIGTERM");
    }, TIMEOUT_MS),
    setTimeout(() => stop("SIGKILL"), TIMEOUT_MS + 10_000),
  ];
  const out = await child.output();
  timers.forEach(clearTimeout);
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  // Deno's own "Download https://registry.npmjs.org/..." lines while it fills the npm cache of a
  // fresh machine (any task may be the first to need a package) are not the task's output.
  const stderr = text(out.stderr).replace(/^Download https?:\/\/\S+\n/gm, "");
  return { code: out.code, stdout: text(out.stdout), stderr, timedOut };
}

/** `fn` over `items`, at most `limit` at a time, results in order. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** What is wrong with `name`'s answers to `--help` and to an unknown flag (empty: nothing). */
function problems(name: string, help: TaskRun, bad: TaskRun): string[] {
  const found: string[] = [];
  const trace = /error:|Stack backtrace|^\s+at /m;
  if (help.timedOut) found.push(`--help still ran after ${TIMEOUT_MS / 1000} s (did real work?)`);
  if (bad.timedOut) found.push(`an unknown flag still ran after ${TIMEOUT_MS / 1000} s`);
  if (help.code !== 0) found.push(`--help exits ${help.code}: ${help.stderr.trim()}`);
  if (help.stdout.trim() === "") found.push("--help prints nothing on stdout");
  if (trace.test(help.stdout + help.stderr)) found.push(`--help shows an error: ${help.stderr}`);
  if (bad.code !== 2) found.push(`an unknown flag exits ${bad.code}, not 2`);
  const expected = `deno task ${name}: unknown flag --no-such-flag (see --help)`;
  if (bad.stderr.trim() !== expected) {
    found.push(`an unknown flag prints ${JSON.stringify(bad.stderr)}, not "${expected}"`);
  }
  return found.map((p) => `${name}: ${p}`);
}

Deno.test("the convention check itself: a crash, a missing help and a stack trace are caught", () => {
  const ok: TaskRun = { code: 0, stdout: "deno task x [flags]\n", stderr: "" };
  const refused: TaskRun = {
    code: 2,
    stdout: "",
    stderr: "deno task x: unknown flag --no-such-flag (see --help)\n",
  };
  assertEquals(problems("x", ok, refused), []);
  const crash: TaskRun = {
    code: 1,
    stdout: "",
    stderr: "error: Uncaught TypeError: Unknown option '--help'\n    at parseArgs (node:util)\n",
  };
  assertEquals(problems("x", crash, crash).length, 5);
  // Running the benchmark instead of printing help still exits 0 but says nothing helpful.
  assertEquals(problems("x", { code: 0, stdout: "", stderr: "" }, refused), [
    "x: --help prints nothing on stdout",
  ]);
});

Deno.test("every deno task answers --help (exit 0) and an unknown flag (one line, exit 2)", async () => {
  const names = (await tasks()).filter((name) => !(name in DENO_COMMANDS));
  assertOk(names.length >= 20, `${names.length} tasks in deno.json`);
  const found = await pool(names, CONCURRENCY, async (name) => {
    const [help, bad] = [await runTask(name, ["--help"]), await runTask(name, ["--no-such-flag"])];
    return problems(name, help, bad);
  });
  assertEquals(found.flat(), [], found.flat().join("\n"));
  // The exceptions name tasks that exist: a renamed task must not silently lose its check.
  const all = await tasks();
  assertEquals(Object.keys(DENO_COMMANDS).filter((name) => !all.includes(name)), []);
});
