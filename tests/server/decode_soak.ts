/**
 * `deno task soak:decode [--jpegs 200] [--big-pngs 100] [--small-pngs 500]`: the decoder soak of
 * issue 23 against a real server. Starts `main.ts` on 127.0.0.1, sends JPEGs that make mozjpeg
 * `exit(1)`, corrupt 4096x4096 PNGs and corrupt 640x480 PNGs in a row, and checks that a valid
 * JPEG face and valid PNGs get the same answers afterwards and that the server's RSS (read from
 * /proc) grew by at most 50 MB. Exits 1 if either fails.
 *
 * @module
 */
import { defineFlags, numberFlag, parseFlags } from "../../term/flags.ts";
import { runMain } from "../../term/run_main.ts";
import { bogusHuffmanJpeg, corruptStripesPng, faceJpeg, stripesPng } from "../image/bad_images.ts";

const ROOT = new URL("../../", import.meta.url);
const MAX_GROWTH_MB = 50;

async function startServer(): Promise<{ base: string; pid: number; stop: () => Promise<void> }> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-read", "--allow-env", new URL("main.ts", ROOT).pathname],
    env: { PORT: String(port), HOSTNAME: "127.0.0.1" },
    stdout: "null",
    stderr: "null", // one warning line per codec failure
  }).spawn();
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
  };
  for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
    try {
      const response = await fetch(`${base}/healthz`);
      await response.body?.cancel();
      if (response.ok) return { base, pid: child.pid, stop };
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error("the server did not come up");
}

/** The server's resident set size in MB, from /proc (Linux). */
async function rssMb(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function predict(base: string, bytes: Uint8Array): Promise<[number, string]> {
  const response = await fetch(`${base}/api/predict`, {
    method: "POST",
    body: bytes as BodyInit,
    headers: { "content-type": "application/octet-stream" },
  });
  const body = await response.json();
  // Timings differ from run to run; everything else must not.
  delete body.timingsMs;
  return [response.status, JSON.stringify(body)];
}

const FLAGS = defineFlags({
  help: `deno task soak:decode [flags]

The decoder soak of issue 23 against a real server on 127.0.0.1: bad JPEGs and corrupt PNGs in a
row, then the valid images must get the same answers and the server's RSS may grow by at most
${MAX_GROWTH_MB} MB. Exits 1 if either fails.

  --jpegs N        JPEGs that make mozjpeg exit(1) (default 200)
  --big-pngs N     corrupt 4096x4096 PNGs (default 100)
  --small-pngs N   corrupt 640x480 PNGs (default 500)
`,
  options: {
    jpegs: { type: "string", default: "200" },
    "big-pngs": { type: "string", default: "100" },
    "small-pngs": { type: "string", default: "500" },
  },
});

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  const count = (name: keyof typeof values) =>
    numberFlag(name, values[name], { integer: true, min: 0 })!;
  const face = await faceJpeg();
  const valid: [string, Uint8Array][] = [
    ["face JPEG 640x480", face],
    ["PNG 4096x4096", stripesPng(4096, 4096)],
    ["PNG 640x480", stripesPng(640, 480)],
  ];
  const phases: [string, Uint8Array, number][] = [
    ["exit(1) JPEG 640x480", bogusHuffmanJpeg(face), count("jpegs")],
    ["corrupt PNG 4096x4096", corruptStripesPng(4096, 4096), count("big-pngs")],
    ["corrupt PNG 640x480", corruptStripesPng(640, 480), count("small-pngs")],
  ];

  const server = await startServer();
  let ok = true;
  try {
    // RSS saw-tooths with garbage collection (a valid 4096x4096 PNG alone is 64 MiB of RGBA), so
    // it is compared at the same point of the cycle: the highest reading over three rounds of the
    // valid images, before and after the bad ones.
    const expected = new Map<string, string>();
    const validRounds = async (): Promise<number> => {
      const readings: number[] = [];
      let same = 0;
      for (let round = 0; round < 3; round++) {
        for (const [name, bytes] of valid) {
          const [status, body] = await predict(server.base, bytes);
          if (!expected.has(name)) expected.set(name, body);
          if (status === 200 && body === expected.get(name)) same++;
          else console.log(`${name}: ${status}, CHANGED: ${body}`);
        }
        readings.push(await rssMb(server.pid));
      }
      if (same < 3 * valid.length) ok = false;
      console.log(
        `valid images x3: ${same} of ${3 * valid.length} answered 200 as at first; ` +
          `RSS ${readings.map(Math.round).join(", ")} MB`,
      );
      return Math.max(...readings);
    };
    const before = await validRounds();
    console.log(
      "| inputs | count | statuses | seconds | RSS after, MB |\n| --- | ---: | --- | ---: | ---: |",
    );
    for (const [name, bytes, count] of phases) {
      const statuses = new Map<number, number>();
      const started = performance.now();
      for (let i = 0; i < count; i++) {
        const [status] = await predict(server.base, bytes);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
      const seconds = (performance.now() - started) / 1000;
      const histogram = [...statuses].map(([s, n]) => `${s} x${n}`).join(", ");
      if ([...statuses.keys()].some((s) => s !== 422)) ok = false;
      console.log(
        `| ${name} | ${count} | ${histogram} | ${seconds.toFixed(1)} | ` +
          `${(await rssMb(server.pid)).toFixed(0)} |`,
      );
    }
    const after = await validRounds();
    const growth = after - before;
    if (growth > MAX_GROWTH_MB) ok = false;
    console.log(
      `server RSS peak ${before.toFixed(0)} -> ${after.toFixed(0)} MB (${growth >= 0 ? "+" : ""}` +
        `${growth.toFixed(0)} MB; limit +${MAX_GROWTH_MB} MB): ${ok ? "PASS" : "FAIL"}`,
    );
  } finally {
    await server.stop();
  }
  return ok ? 0 : 1;
}

if (import.meta.main) await runMain("soak:decode", main);
