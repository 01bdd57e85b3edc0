/**
 * `deno task bench:versus --baseline-checkout DIR [--runs N] [--max-ratio X]`: this checkout's
 * server against another checkout's (a `git worktree` of the commit to compare with), both started
 * as their own processes and each serving its own `models/default`, with their requests
 * interleaved one by one (the order swapped every round) so both see the same machine load. It
 * prints both p50/p95 latencies of (a) a 640x480 one-face JPEG, (b) a 1920-px group photo and (c) a
 * 32-face classify batch and the ratio of the p50s, and exits 1 when (a)'s ratio is over `--max-ratio` (default 1.3, issue
 * 24's budget for the real-photo path).
 *
 * ```sh
 * git worktree add /tmp/fer-baseline 23ea86a
 * deno task bench:versus --baseline-checkout /tmp/fer-baseline
 * ```
 *
 * @module
 */

import { FER_PIXELS } from "../src/face.ts";
import { type LatencySummary, summarize } from "../term/latency_stats.ts";
import { ProgressBar } from "../term/progress.ts";
import { defineFlags, numberFlag, parseFlags, requireFlag } from "../term/flags.ts";
import { runMain } from "../term/run_main.ts";
import { type ServeProcess, startServer } from "./serve_process.ts";

const ROOT = new URL("../", import.meta.url);

const FLAGS = defineFlags({
  help: `deno task bench:versus --baseline-checkout DIR [flags]

Serves this checkout and the one in DIR side by side (each its own models/default, or --model),
sends their requests interleaved and prints p50/p95 and the p50 ratio (this / baseline).

  --baseline-checkout DIR  another checkout of fer-edge (e.g. git worktree add /tmp/b COMMIT)
  --model DIR              serve this model folder from both checkouts instead (absolute path)
  --runs N                 timed requests per workload and server (default 60)
  --max-ratio X            exit 1 when (a)'s p50 ratio is above X (default 1.3)
  -h, --help               this text
`,
  options: {
    "baseline-checkout": { type: "string" },
    model: { type: "string" },
    runs: { type: "string", default: "60" },
    "max-ratio": { type: "string", default: "1.3" },
  },
});

/** One timed request kind. */
interface Workload {
  name: string;
  path: "/api/predict" | "/api/classify";
  type: string;
  body: () => Promise<Uint8Array>;
}

const photo = (name: string, file: string): Workload => ({
  name,
  path: "/api/predict",
  type: "image/jpeg",
  body: () => Deno.readFile(new URL(file, ROOT)),
});

/** 32 synthetic 48x48 faces (a fixed pattern: classification time does not depend on content). */
function faceBatch(): Promise<Uint8Array> {
  const bytes = new Uint8Array(32 * FER_PIXELS);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 6)) & 255;
  return Promise.resolve(bytes);
}

const WORKLOADS: Workload[] = [
  photo("(a) 640x480 JPEG, 1 face", "tests/e2e/fixtures/face.jpg"),
  photo("(b) 1920x1280 JPEG, 3 faces", "tests/fixtures/photos/group1.jpg"),
  {
    name: "(c) classify 32 faces",
    path: "/api/classify",
    type: "application/octet-stream",
    body: faceBatch,
  },
];

/** One row of the result: both servers' latencies for a workload. */
export interface VersusRow {
  name: string;
  current: LatencySummary;
  baseline: LatencySummary;
  /** Faces in each server's answer (the same photo should give the same count). */
  faces: [number, number];
}

/** Timed POST of `body`; resolves to [milliseconds, faces in the answer]. */
async function timedPost(
  base: string,
  workload: Workload,
  body: Uint8Array,
): Promise<[number, number]> {
  const start = performance.now();
  const response = await fetch(`${base}${workload.path}`, {
    method: "POST",
    body: body as BodyInit,
    headers: { "content-type": workload.type },
  });
  const text = await response.text();
  const ms = performance.now() - start;
  if (!response.ok) throw new Error(`${base} answered ${response.status}: ${text}`);
  const faces = (JSON.parse(text) as { faces?: unknown[] }).faces?.length ?? 0;
  return [ms, faces];
}

/** Runs `runs` interleaved rounds of one workload on both servers. */
async function measure(
  servers: [ServeProcess, ServeProcess],
  workload: Workload,
  runs: number,
  bar: ProgressBar,
): Promise<VersusRow> {
  const body = await workload.body();
  const times: [number[], number[]] = [[], []];
  const faces: [number, number] = [0, 0];
  for (let i = 0; i < 3; i++) {
    for (const s of [0, 1] as const) {
      faces[s] = (await timedPost(servers[s].base, workload, body))[1];
    }
  }
  const wall = [0, 0];
  for (let i = 0; i < runs; i++) {
    // Swap who goes first each round, so neither always runs right after the other.
    const order = i % 2 === 0 ? [0, 1] as const : [1, 0] as const;
    for (const s of order) {
      const [ms] = await timedPost(servers[s].base, workload, body);
      times[s].push(ms);
      wall[s] += ms;
    }
    bar.tick();
  }
  return {
    name: workload.name,
    current: summarize(times[0], wall[0]),
    baseline: summarize(times[1], wall[1]),
    faces,
  };
}

/** The result table in Markdown. */
export function formatVersusTable(rows: readonly VersusRow[]): string {
  const f = (ms: number) => ms.toFixed(1);
  return [
    "| workload | this checkout p50 / p95 ms | baseline p50 / p95 ms | p50 ratio | faces (this / baseline) |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...rows.map((r) =>
      `| ${r.name} | ${f(r.current.p50)} / ${f(r.current.p95)} | ` +
      `${f(r.baseline.p50)} / ${f(r.baseline.p95)} | ${
        (r.current.p50 / r.baseline.p50).toFixed(2)
      }x | ` +
      `${r.faces[0]} / ${r.faces[1]} |`
    ),
  ].join("\n");
}

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  const checkout = requireFlag("baseline-checkout", values["baseline-checkout"]);
  const runs = numberFlag("runs", values.runs, { integer: true, min: 5 })!;
  const maxRatio = numberFlag("max-ratio", values["max-ratio"], { positive: true })!;
  const baselineRoot = new URL(`file://${await Deno.realPath(checkout)}/`);
  await Deno.stat(new URL("main.ts", baselineRoot)).catch(() => {
    throw new Error(`--baseline-checkout ${checkout}: no main.ts there`);
  });
  const modelDir = values.model ?? "models/default";
  const current = await startServer({ root: ROOT, modelDir });
  try {
    const baseline = await startServer({ root: baselineRoot, modelDir });
    try {
      const bar = new ProgressBar({
        total: runs * WORKLOADS.length,
        label: "interleaved rounds",
        unit: "round",
      });
      const rows: VersusRow[] = [];
      for (const w of WORKLOADS) rows.push(await measure([current, baseline], w, runs, bar));
      bar.done();
      console.log(formatVersusTable(rows));
      const ratio = rows[0].current.p50 / rows[0].baseline.p50;
      const met = ratio <= maxRatio;
      console.log(
        `\n(a) p50 ratio ${ratio.toFixed(2)}x against ${checkout} ` +
          `(budget <= ${maxRatio}x: ${met ? "met" : "MISSED"})`,
      );
      return met ? 0 : 1;
    } finally {
      await baseline.stop();
    }
  } finally {
    await current.stop();
  }
}

if (import.meta.main) await runMain("bench:versus", main);
