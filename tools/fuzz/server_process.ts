/**
 * The server as its own process, started the way `deno task start` starts it (the task's command
 * from deno.json, run directly so that the child's id is the server's), on a free 127.0.0.1 port.
 * Stopped with SIGTERM, then SIGKILL after 5 s (main.ts waits for requests in flight, and a stuck
 * one never ends), and killed when this process gets SIGINT or SIGTERM.
 *
 * @module
 */
import { rssOfPid } from "./rss.ts";

const ROOT = new URL("../../", import.meta.url);

/** Signals that stop this process: the server is killed first so that it never outlives it. */
const STOP_SIGNALS: Deno.Signal[] = Deno.build.os === "windows"
  ? ["SIGINT"]
  : ["SIGINT", "SIGTERM"];

/** A running server. */
export interface ServerProcess {
  /** `http://127.0.0.1:PORT`. */
  base: string;
  pid: number;
  /** Its resident memory in bytes, while it runs. */
  rss(): number | undefined;
  /** What it printed so far (stdout and stderr). */
  log(): string;
  /** Whether it has exited (and how), without waiting. */
  exited(): Deno.CommandStatus | undefined;
  /** Stops it (SIGTERM, SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL) and waits for it to exit. */
  kill(): Promise<void>;
}

/** The arguments of `deno task start` after `deno`, e.g. `["run", "--allow-net", ..., "main.ts"]`. */
export async function startTaskArgs(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const words = String(config.tasks?.start ?? "").trim().split(/\s+/);
  if (words[0] !== "deno" || words.length < 3) {
    throw new Error(
      `deno.json's start task is not a plain "deno run ..." line: ${config.tasks?.start}`,
    );
  }
  return words.slice(1);
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Starts the server with `env` added (PORT and HOSTNAME=127.0.0.1 are set here) and waits until
 * `/healthz` answers 200, for at most `startupMs`.
 */
export async function startServer(
  env: Record<string, string> = {},
  startupMs = 180_000,
): Promise<ServerProcess> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: await startTaskArgs(),
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOSTNAME: "127.0.0.1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  let status: Deno.CommandStatus | undefined;
  const decoder = new TextDecoder();
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      output += decoder.decode(chunk, { stream: true });
      // Keep the start and the most recent part: a long run may log a lot.
      if (output.length > 400_000) {
        output = output.slice(0, 20_000) + "\n...\n" + output.slice(-200_000);
      }
    }
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  child.status.then((s) => status = s);
  const onInterrupt = () => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
    Deno.exit(130);
  };
  for (const signal of STOP_SIGNALS) Deno.addSignalListener(signal, onInterrupt);
  let stopped = false;
  const signal = (name: Deno.Signal) => {
    try {
      child.kill(name);
    } catch { /* already gone */ }
  };
  const stopWith = async (first: Deno.Signal) => {
    if (!stopped) {
      stopped = true;
      for (const signal of STOP_SIGNALS) Deno.removeSignalListener(signal, onInterrupt);
    }
    signal(first);
    const timer = setTimeout(() => signal("SIGKILL"), 5000);
    await child.status;
    clearTimeout(timer);
    await drained;
  };
  const stop = () => stopWith("SIGTERM");
  const base = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    base,
    pid: child.pid,
    rss: () => rssOfPid(child.pid),
    log: () => output,
    exited: () => status,
    stop,
    kill: () => stopWith("SIGKILL"),
  };
  const deadline = Date.now() + startupMs;
  while (Date.now() < deadline && !status) {
    try {
      const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      if (response.ok) return server;
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`the server did not come up on ${base}:\n${output.slice(-4000)}`);
}
