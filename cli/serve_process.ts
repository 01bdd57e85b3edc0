/**
 * Starts a checkout's `main.ts` as its own server process on a free loopback port, for the
 * serving benchmarks: `bench:serve` runs this checkout, `bench:versus` this one and a baseline
 * checkout side by side.
 *
 * @example
 * ```ts
 * const server = await startServer({ root: new URL("../", import.meta.url), modelDir: "models/default" });
 * await fetch(`${server.base}/healthz`);
 * await server.stop();
 * ```
 *
 * @module
 */

/** What {@link startServer} starts. */
export interface ServeProcessOptions {
  /** The checkout whose `main.ts` runs (its folder, as a `file:` URL ending in `/`). */
  root: URL;
  /** `MODEL_DIR` for the server, relative to `root` or absolute. */
  modelDir: string;
}

/** A running server: its base URL and how to stop it. */
export interface ServeProcess {
  base: string;
  stop: () => Promise<void>;
}

/**
 * Spawns the server (cwd = `root`, 127.0.0.1 only) and resolves once `/healthz` answers 200, within
 * two minutes; prints its "ready in" line to stderr. Throws with the server's log otherwise.
 */
export async function startServer(options: ServeProcessOptions): Promise<ServeProcess> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-read",
      "--allow-env",
      new URL("main.ts", options.root).pathname,
    ],
    cwd: options.root.pathname,
    env: { PORT: String(port), HOSTNAME: "127.0.0.1", MODEL_DIR: options.modelDir },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let log = "";
  const decoder = new TextDecoder();
  const drain = async (s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s) log += decoder.decode(chunk, { stream: true });
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
    await drained;
  };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${base}/healthz`);
      await response.body?.cancel();
      if (response.ok) {
        console.error(log.trim().split("\n").find((l) => l.includes("ready in")) ?? "");
        return { base, stop };
      }
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`the server did not come up:\n${log}`);
}
