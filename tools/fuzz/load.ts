/**
 * `deno task bench:load [--scenario mixed|sequences|huge-png|all] [--clients 16] [--seconds 60]
 * [--bad-share 0.4] [--bad-mix fuzz|cheap] [--seed 1] [--target http://127.0.0.1:PORT]`
 *
 * The figures of issue 23's "Done when", measured over loopback against the server started as its
 * own process (`deno task start`'s command, PORT on 127.0.0.1; a fresh one per scenario, always
 * stopped at the end), or against a running loopback server given with `--target`:
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
import { parseArgs } from "node:util";
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
}

/** Parses `args` (e.g. `Deno.args`). */
export function parseLoadArgs(args: string[]): LoadArgs {
  const { values } = parseArgs({
    args,
    options: {
      scenario: { type: "string", default: "all" },
      clients: { type: "string", default: "16" },
      seconds: { type: "string", default: "60" },
      "bad-share": { type: "string", default: "0.4" },
      "bad-mix": { type: "string", default: "fuzz" },
      seed: { type: "string", default: "1" },
      target: { type: "string" },
    },
    strict: true,
  });
  const scenario = values.scenario;
  if (scenario !== "all" && !SCENARIOS.includes(scenario as Scenario)) {
    throw new RangeError(`--scenario must be all or one of ${SCENARIOS.join(", ")}`);
  }
  const number = (name: string, raw: string, lo: number, hi: number) => {
    const n = Number(raw);
    if (!(n >= lo && n <= hi)) {
      throw new RangeError(`--${name} must be from ${lo} to ${hi}, got "${raw}"`);
    }
    return n;
  };
  if (values["bad-mix"] !== "fuzz" && values["bad-mix"] !== "cheap") {
    throw new RangeError(`--bad-mix must be fuzz or cheap`);
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
  };
}

/** Runs `fn` against a fresh server process (or the `--target` server); the process is always stopped. */
async function withTarget(
  args: LoadArgs,
  fn: (target: Target, base: string) => Promise<string[]>,
): Promise<string[]> {
  if (args.target) {
    const target = httpTarget(args.target, { timeoutMs: 120_000 });
    return await fn(target, new URL(args.target).origin);
  }
  const server = await startServer();
  try {
    const target = httpTarget(server.base, { timeoutMs: 120_000, pid: server.pid });
    const lines = await fn(target, server.base);
    const exited = server.exited();
    if (exited) lines.push(`  the server EXITED during the run (code ${exited.code})`);
    return [`server pid ${server.pid} on ${server.base}, RSS now ${mb(server.rss())}`, ...lines];
  } finally {
    await server.stop();
  }
}

if (import.meta.main) {
  const args = parseLoadArgs(Deno.args);
  const assets = await loadAssets();
  let failed = false;
  for (const scenario of args.scenarios) {
    console.error(`bench:load: ${scenario} ...`);
    const lines = await withTarget(args, (target, base) => {
      if (scenario === "sequences") return runSequences(target, assets, args.seed);
      if (scenario === "huge-png") return runHugePng(target, base, assets);
      return runMixedLoad({ ...args, target, base, assets });
    });
    console.log(lines.join("\n"));
    failed ||= lines.some((line) => /FAIL|EXITED/.test(line));
  }
  if (failed) Deno.exitCode = 1;
}
