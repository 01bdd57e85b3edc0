/**
 * A fuzz target that owns its server: `deno task start`'s command on a free 127.0.0.1 port, watched
 * while each case runs. A server that goes over the memory cap is killed at once (answer `memory`),
 * one that exits is noted (`crashed`), one that gives no answer within the hard limit is killed
 * (`timeout`); each time a fresh server replaces it, as a supervisor would restart it. So a run
 * against a server with memory blow-ups stays within the cap and always ends.
 *
 * @module
 */
import type { FuzzCase } from "./cases.ts";
import { type FuzzResponse, httpTarget, type Target } from "./targets.ts";
import { type ServerProcess, startServer } from "./server_process.ts";
import { mb } from "./rss.ts";

/** Options for {@link spawnTarget}. */
export interface SpawnTargetOptions {
  /** Kill the server when its RSS goes over this many bytes (default 3 GB). */
  maxRssBytes?: number;
  /** Kill the server when an answer takes longer than this (default 180 s). */
  hardLimitMs?: number;
  /** How often the server's RSS is read while a case runs (default 100 ms). */
  watchMs?: number;
}

/** A {@link Target} around a server process it starts, watches and restarts. */
export interface SpawnedTarget extends Target {
  /** Servers started after the first. */
  restarts(): number;
  /** The current server's process id. */
  pid(): number;
}

/** Starts the server and returns the target (call `close()` to stop the server). */
export async function spawnTarget(options: SpawnTargetOptions = {}): Promise<SpawnedTarget> {
  const maxRss = options.maxRssBytes ?? 3e9;
  const hardLimitMs = options.hardLimitMs ?? 180_000;
  let server: ServerProcess = await startServer();
  if (Deno.build.os === "linux" && server.rss() === undefined) {
    await server.stop();
    // Deno reads another process's /proc/PID/status only with --allow-all.
    throw new Error("cannot read the server's RSS from /proc, so no memory cap: run with -A");
  }
  let http = httpTarget(server.base, { timeoutMs: hardLimitMs, pid: server.pid });
  let restarts = 0;
  const restart = async () => {
    await server.kill();
    server = await startServer();
    http = httpTarget(server.base, { timeoutMs: hardLimitMs, pid: server.pid });
    restarts++;
  };
  const send = async (fuzzCase: FuzzCase): Promise<FuzzResponse> => {
    let overCap: number | undefined;
    const watch = () => {
      const rss = server.rss();
      if (overCap === undefined && rss !== undefined && rss > maxRss) {
        overCap = rss;
        server.kill();
      }
    };
    const watcher = setInterval(watch, options.watchMs ?? 100);
    const logStart = server.log().length;
    const answer = await http.send(fuzzCase);
    clearInterval(watcher);
    watch(); // a quick answer can come between two readings
    if (typeof answer.status === "number" && answer.status >= 500) {
      // The body is a generic 500; what the server logged says what failed (give the pipe a moment).
      await new Promise((resolve) => setTimeout(resolve, 50));
      const logged = server.log().slice(logStart).split("\n").find((line) =>
        line.includes("failed:")
      );
      if (logged) answer.body += ` [server log: ${logged.trim().slice(0, 160)}]`;
    }
    let change: [FuzzResponse["status"], string] | undefined;
    if (overCap !== undefined) {
      change = [
        "memory",
        `the server went over the ${mb(maxRss)} cap (RSS ${mb(overCap)}); killed`,
      ];
    } else if (server.exited()) {
      change = [
        "crashed",
        `the server exited (code ${server.exited()!.code}) after ${answer.body}`,
      ];
    } else if (answer.status === "timeout") {
      change = ["timeout", `no answer in ${hardLimitMs} ms; killed`];
    }
    if (!change) return answer;
    // A server that was killed or died is replaced before the next case (and its canary).
    if (!server.exited()) await new Promise((resolve) => setTimeout(resolve, 200));
    await restart();
    return {
      status: change[0],
      body: `${change[1]}; restarted (${restarts} so far)`,
      ms: answer.ms,
    };
  };
  return {
    /** The current server's URL (a restarted server gets a new port). */
    get name() {
      return server.base;
    },
    send,
    rss: () => server.rss(),
    close: () => server.stop(),
    restarts: () => restarts,
    pid: () => server.pid,
  };
}
