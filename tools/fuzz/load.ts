/**
 * `deno task bench:load [--scenario mixed|sequences|huge-png|all] [--clients 16] [--seconds 60]
 * [--bad-share 0.4] [--bad-mix fuzz|cheap] [--seed 1] [--target http://127.0.0.1:PORT]
 * [--max-rss-mb 3000]`
 *
 * The figures of issue 23's "Done when", measured over loopback against the server started as its
 * own process (`deno task start`'s command, PORT on 127.0.0.1; a fresh one per scenario, always
 * stopped at the end, killed at once if its RSS goes over `--max-rss-mb`), or against a running
 * loopback server given with `--target`:
 *
 * - `mixed`: N clients for S seconds, valid 640x480 face photos and a share of bad inputs; counts by
 *   status, 5xx, p50/p99 of refusals and of valid predictions, `/healthz` p99 meanwhile, server RSS
 *   (start, steady = median of the last half, max) and its timeline, with ratios to an idle
 *   baseline measured first.
 * - `sequences`: 200 exit(1)-JPEGs, 100 corrupt 4096² PNGs, 500 corrupt 640x480 PNGs in a row, with
 *   decode checks and RSS after each block.
 * - `huge-png`: the 1x16777216 PNG's answer time, `/healthz` p99 while it runs.
 *
 * @module
 */
import { defineFlags, parseFlags, UsageError } from "../../term/flags.ts";
import { runMain } from "../../term/run_main.ts";
import { loadAssets } from "./fuzz.ts";
import { httpTarget, loopbackBase, type Target } from "./targets.ts";
import { startServer } from "./server_process.ts";
import { type BadMix, runMixedLoad } from "./load_mixed.ts";
import { runHugePng, runSequences } from "./load_sequences.ts";
import { mb } from "./rss.ts";

const SCENARIOS = ["sequences", "huge-png", "mixed"] as const;
type Scenario = typeof SCENARIOS[number];

/** Parsed command line. */
export interface LoadArgs {
  scenarios: Scenario[];
  clients: number;
  seconds: number;
  badShare: number;
  badMix: BadMix;
  seed: number;
  target?: string;
  /** A spawned server over this RSS is killed (it would take the machine down with it). */
  maxRssBytes: number;
}

const FLAGS = defineFlags({
  help: `deno task bench:load [flags]

Issue 23's load figures over loopback, against a fresh server process per scenario (or --target).

  --scenario S      mixed | sequences | huge-png | all (default all)
  --clients N       concurrent clients of the mixed load (default 16)
  --seconds S       length of the mixed load, at most 600 (default 60)
  --bad-share X     share of bad inputs in the mixed load (default 0.4)
  --bad-mix M       fuzz | cheap: which bad inputs (default fuzz)
  --seed N          seed of the bad inputs (default 1)
  --target URL      a running loopback server instead of a spawned one
  --max-rss-mb MB   a spawned server over this RSS is killed (default 3000)
`,
  options: {
    scenario: { type: "string", default: "all" },
    clients: { type: "string", default: "16" },
    seconds: { type: "string", default: "60" },
    "bad-share": { type: "string", default: "0.4" },
    "bad-mix": { type: "string", default: "fuzz" },
    seed: { type: "string", default: "1" },
    target: { type: "string" },
    "max-rss-mb": { type: "string", default: "3000" },
  },
});

/** Parses `args` (e.g. `Deno.args`); a bad flag or value is a {@link UsageError}. */
export function parseLoadArgs(args: string[]): LoadArgs {
  const { values } = parseFlags(args, FLAGS);
  const scenario = values.scenario;
  if (scenario !== "all" && !SCENARIOS.includes(scenario as Scenario)) {
    throw new UsageError(`--scenario must be all or one of ${SCENARIOS.join(", ")}`);
  }
  const number = (name: string, raw: string, lo: number, hi: number) => {
    const n = Number(raw);
    if (!(n >= lo && n <= hi)) {
      throw new UsageError(`--${name} must be from ${lo} to ${hi}, got "${raw}"`);
    }
    return n;
  };
  if (values["bad-mix"] !== "fuzz" && values["bad-mix"] !== "cheap") {
    throw new UsageError(`--bad-mix must be fuzz or cheap, got "${values["bad-mix"]}"`);
  }
  if (values.target) loopbackBase(values.target);
  return {
    scenarios: scenario === "all" ? [...SCENARIOS] : [scenario as Scenario],
    clients: Math.round(number("clients", values.clients, 1, 256)),
    // Bounded: the longest mixed load is 10 minutes.
    seconds: number("seconds", values.seconds, 1, 600),
    badShare: number("bad-share", values["bad-share"], 0, 1),
    badMix: values["bad-mix"],
    seed: Math.round(number("seed", values.seed, 0, 2 ** 32 - 1)),
    target: values.target,
    maxRssBytes: number("max-rss-mb", values["max-rss-mb"], 100, 1e6) * 1e6,
  };
}

/** Replaces a stuck or dead server by a fresh one and gives the target for it. */
export type Restart = () => Promise<Target>;

/**
 * Runs `fn` against a fresh server process (or the `--target` server, which cannot be restarted);
 * the process is always stopped, and killed at once if it goes over the memory cap.
 */
async function withTarget(
  args: LoadArgs,
  timeoutMs: number,
  fn: (target: Target, base: string, restart?: Restart) => Promise<string[]>,
): Promise<string[]> {
  if (args.target) {
    const target = httpTarget(args.target, { timeoutMs });
    return await fn(target, new URL(args.target).origin);
  }
  let server = await startServer();
  const started = performance.now();
  const notes: string[] = [];
  const watchdog = setInterval(() => {
    const rss = server.rss();
    if (rss !== undefined && rss > args.maxRssBytes && !server.exited()) {
      notes.push(
        `  the server was KILLED at RSS ${mb(rss)}, over the ${mb(args.maxRssBytes)} cap ` +
          `(--max-rss-mb), ${
            ((performance.now() - started) / 1000).toFixed(1)
          } s after it started` +
          "; requests after that failed for want of a server: FAIL",
      );
      server.kill();
    }
  }, 100);
  const restart: Restart = async () => {
    await server.kill();
    server = await startServer();
    return httpTarget(server.base, { timeoutMs, pid: server.pid });
  };
  try {
    const first = `server pid ${server.pid} on ${server.base}`;
    const lines = await fn(
      httpTarget(server.base, { timeoutMs, pid: server.pid }),
      server.base,
      restart,
    );
    if (server.exited() && notes.length === 0) {
      notes.push(`  the server EXITED during the run (code ${server.exited()!.code}): FAIL`);
    }
    return [`${first}, RSS at the end ${mb(server.rss())}`, ...lines, ...notes];
  } finally {
    clearInterval(watchdog);
    await server.stop();
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parseLoadArgs(argv);
  const assets = await loadAssets();
  let failed = false;
  for (const scenario of args.scenarios) {
    console.error(`bench:load: ${scenario} ...`);
    // How long one answer is waited for: the 1x16777216 PNG took 33-40 s on the unfixed server.
    const timeoutMs = scenario === "huge-png" ? 120_000 : 60_000;
    const lines = await withTarget(args, timeoutMs, (target, base, restart) => {
      if (scenario === "sequences") return runSequences(target, assets, args.seed, restart);
      if (scenario === "huge-png") return runHugePng(target, assets, restart);
      return runMixedLoad({ ...args, target, base, assets });
    });
    console.log(lines.join("\n"));
    failed ||= lines.some((line) => /FAIL|EXITED/.test(line));
  }
  return failed ? 1 : 0;
}

if (import.meta.main) await runMain("bench:load", main);
