/**
 * Starts the real fer-edge server (`main.ts`, as `deno task start` does) on a free loopback port for the
 * browser test, and waits until `/healthz` answers (the model loads and warms up first).
 *
 * @module
 */

/** A running server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Everything the server printed so far (for failure messages). */
  output(): string;
  /** Stops the server and waits for it to exit. */
  close(): Promise<void>;
}

const MAIN = new URL("../../main.ts", import.meta.url);

/** A free TCP port on 127.0.0.1. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/**
 * Spawns `main.ts` with `PORT` (and `env`) set and resolves once `GET /healthz` is 200.
 * @param env extra environment, e.g. `MODEL_DIR`
 */
export async function startServer(
  env: Record<string, string> = {},
  timeoutMs = 90_000,
): Promise<RunningServer> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-read", "--allow-env", MAIN.pathname],
    env: { ...env, PORT: String(port), HOSTNAME: "127.0.0.1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let log = "";
  const decoder = new TextDecoder();
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) log += decoder.decode(chunk, { stream: true });
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (!exited) child.kill("SIGTERM");
    await status;
    await drained;
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const response = await fetch(`${url}/healthz`);
      await response.body?.cancel();
      if (response.ok) return { url, output: () => log, close };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await close();
  throw new Error(
    `the server did not answer ${url}/healthz within ${timeoutMs} ms${
      exited ? " (it exited)" : ""
    }:\n${log}`,
  );
}
