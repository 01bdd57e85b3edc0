/**
 * `deno task fuzz [--seed N] [--count N] [--seconds S] [--target in-process|spawn|URL] [--pid PID]
 * [--case I] [--no-corpus] [--generators a,b] [--stall-ms MS] [--max-rss-mb MB]`
 *
 * Sends issue 23's reproductions (the corpus) and then `--count` seeded random cases (random bytes,
 * truncations, bit flips, lying headers, thin/tall/huge images, exit-causing JPEGs, corrupt PNGs,
 * incomplete JPEGs, bad classify bodies, malformed paths, wrong methods), with the canary after
 * every case, to one of:
 * - `in-process` (default): the real app (models/default, the real detector) in a worker of this
 *   process; the run stops if the process goes over `--max-rss-mb` (default 3000);
 * - `spawn`: `deno task start`'s server on a free 127.0.0.1 port, killed and restarted when it goes
 *   over `--max-rss-mb`, hangs or exits;
 * - `http://127.0.0.1:PORT`: a running loopback server (RSS of `--pid`, or of the process listening
 *   on the port).
 *
 * Prints the status histogram, 5xx, poisonings, stalls (answers slower than `--stall-ms`, default
 * 10 s), memory blow-ups and RSS (start, end, max). Exits 1 on any finding.
 *
 * `--case I` rebuilds and sends only random case I of `--seed`, to reproduce one finding.
 *
 * @module
 */
import { defineFlags, parseFlags, UsageError } from "../../term/flags.ts";
import { runMain } from "../../term/run_main.ts";
import { ProgressBar } from "../../term/progress.ts";
import { corpusCases, GENERATORS, randomCase } from "./generators.ts";
import { failures, type FuzzReport, loadAssets, runFuzz } from "./fuzz.ts";
import { formatReport } from "./report.ts";
import { httpTarget, inProcessTarget, type Target } from "./targets.ts";
import { spawnTarget } from "./spawn_target.ts";
import {
  type FuzzAssets,
  type FuzzCase,
  type Generator as GeneratorSpec,
  HEALTH_CASE,
} from "./cases.ts";

/**
 * How long one answer is waited for. Slower than `--stall-ms` is already a finding (a stall); this
 * limit only keeps a hung server from holding the run forever.
 */
const HARD_LIMIT_MS = 180_000;

/** Parsed command line. */
export interface FuzzArgs {
  seed: number;
  count: number;
  seconds?: number;
  target: string;
  pid?: number;
  case?: number;
  corpus: boolean;
  stallMs: number;
  /** The memory cap in bytes (in process: the run stops over it; spawned: the server restarts). */
  maxRssBytes: number;
  /** Only these generators (all when empty). */
  generators: string[];
}

function integer(name: string, value: string | undefined, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  }
  return n;
}

const FLAGS = defineFlags({
  help: `deno task fuzz [flags]

Sends issue 23's reproductions, then seeded random cases, with the canary after every case, and
prints the status histogram, 5xx, poisonings, stalls and RSS. Exits 1 on any finding.

  --seed N           seed of the random cases (default 1)
  --count N          random cases (default 500; unbounded with only --seconds)
  --seconds S        stop after S seconds
  --target T         in-process (default: the real app in a worker), spawn (deno task start's
                     server on a free 127.0.0.1 port, restarted when needed) or http://127.0.0.1:PORT
  --pid PID          with a URL target: the process whose RSS to read
  --case I           rebuild and send only random case I of --seed (reproduces one finding)
  --no-corpus        skip the reproductions
  --generators a,b   only these generators
  --stall-ms MS      an answer slower than this is a stall (default 10000)
  --max-rss-mb MB    the memory cap (default 3000)
`,
  options: {
    seed: { type: "string" },
    count: { type: "string" },
    seconds: { type: "string" },
    target: { type: "string" },
    pid: { type: "string" },
    case: { type: "string" },
    "no-corpus": { type: "boolean" },
    "stall-ms": { type: "string" },
    generators: { type: "string" },
    "max-rss-mb": { type: "string" },
  },
});

/** Parses `args` (e.g. `Deno.args`); a bad flag or value is a {@link UsageError}. */
export function parseFuzzArgs(args: string[]): FuzzArgs {
  const { values } = parseFlags(args, FLAGS);
  const seconds = integer("seconds", values.seconds);
  return {
    seed: integer("seed", values.seed, 1)!,
    // With only a time limit, keep going until it is reached.
    count: integer("count", values.count, seconds === undefined ? 500 : Number.MAX_SAFE_INTEGER)!,
    seconds,
    target: values.target ?? "in-process",
    pid: integer("pid", values.pid),
    case: integer("case", values.case),
    corpus: !values["no-corpus"] && values.case === undefined,
    stallMs: integer("stall-ms", values["stall-ms"], 10_000)!,
    maxRssBytes: integer("max-rss-mb", values["max-rss-mb"], 3000)! * 1e6,
    generators: values.generators ? values.generators.split(",").map((g) => g.trim()) : [],
  };
}

/** The cases of a run: the corpus (unless off), then the random cases (or the one `--case`). */
export function* scheduledCases(
  args: Pick<FuzzArgs, "seed" | "count" | "case" | "corpus" | "generators">,
  assets: FuzzAssets,
): Generator<{ fuzzCase: FuzzCase; index?: number }> {
  const generators = selectGenerators(args.generators);
  if (args.case !== undefined) {
    yield { fuzzCase: randomCase(args.seed, args.case, assets, generators), index: args.case };
    return;
  }
  if (args.corpus) {
    for (const fuzzCase of corpusCases(assets)) yield { fuzzCase };
  }
  for (let index = 0; index < args.count; index++) {
    yield { fuzzCase: randomCase(args.seed, index, assets, generators), index };
  }
}

/** The generators called `names` (all of them when `names` is empty). */
export function selectGenerators(names: string[]): GeneratorSpec[] {
  if (names.length === 0) return GENERATORS;
  return names.map((name) => {
    const found = GENERATORS.find((g) => g.name === name);
    if (!found) {
      const known = GENERATORS.map((g) => g.name).join(", ");
      throw new RangeError(`no generator "${name}"; there are ${known}`);
    }
    return found;
  });
}

/** `GET /healthz`'s status and the start of its body. */
async function health(target: Target): Promise<string> {
  const answer = await target.send(HEALTH_CASE);
  return `${answer.status} ${answer.body.slice(0, 300)}`;
}

async function main(argv: string[]): Promise<number> {
  const args = parseFuzzArgs(argv);
  let code = 0;
  let latest: FuzzReport | undefined;
  const limits = { hardLimitMs: HARD_LIMIT_MS, maxRssBytes: args.maxRssBytes };
  const onOverCap = (message: string) => {
    if (latest) console.log(formatReport(latest));
    console.log(message);
  };
  const target = args.target === "in-process"
    ? await inProcessTarget({ ...limits, onOverCap })
    : args.target === "spawn"
    ? await spawnTarget(limits)
    : httpTarget(args.target, { timeoutMs: HARD_LIMIT_MS, pid: args.pid });
  try {
    const assets = await loadAssets();
    const corpusSize = args.corpus ? corpusCases(assets).length : 0;
    const total = args.case !== undefined ? 1 : corpusSize + args.count;
    const bar = new ProgressBar({
      total: total < Number.MAX_SAFE_INTEGER ? total : undefined,
      label: "fuzz",
      unit: "cases",
    });
    console.log(`healthz at start: ${await health(target)}`);
    const report = await runFuzz({
      target,
      assets,
      seed: args.seed,
      cases: scheduledCases(args, assets),
      seconds: args.seconds,
      stallMs: args.stallMs,
      onCase: (_, r) => {
        latest = r;
        bar.update(r.sent, `5xx ${r.serverErrors.length} poisonings ${r.poisonings.length}`);
      },
    });
    bar.done();
    console.log(`healthz at end: ${await health(target)}`);
    console.log(formatReport(report));
    console.log(
      `reproduce one random case: deno task fuzz --seed ${args.seed} --case I` +
        (args.target === "in-process" ? "" : ` --target ${args.target}`),
    );
    if ("restarts" in target) {
      console.log(`server restarts: ${(target as { restarts(): number }).restarts()}`);
    }
    if (failures(report).length > 0) code = 1;
  } finally {
    await target.close();
  }
  return code;
}

// runMain exits: a worker stuck in a stalled request would otherwise keep the process alive until
// it finishes.
if (import.meta.main) await runMain("fuzz", main);
