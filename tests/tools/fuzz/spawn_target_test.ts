/**
 * The spawned-server target: the server runs as `deno task start` runs it, on 127.0.0.1, and one
 * over the memory cap is killed and replaced before the next case, so a fuzz run always ends.
 */
import { assertEquals, assertOk } from "../../assert.ts";
import { spawnTarget } from "../../../tools/fuzz/spawn_target.ts";
import type { FuzzCase } from "../../../tools/fuzz/cases.ts";

const health: FuzzCase = {
  generator: "t",
  label: "GET /healthz",
  method: "GET",
  path: "/healthz",
  headers: {},
  expect: "any",
};

Deno.test({
  name: "spawnTarget serves on loopback and restarts a server over the memory cap",
  ignore: Deno.build.os !== "linux",
  async fn() {
    // A cap far under any server's RSS, so the first case trips it whatever the code does.
    const target = await spawnTarget({ maxRssBytes: 1e6, watchMs: 20 });
    const firstPid = target.pid();
    try {
      assertOk(target.name.startsWith("http://127.0.0.1:"), target.name);
      const answer = await target.send(health);
      assertEquals(answer.status, "memory", answer.body);
      assertOk(answer.body.includes("restarted (1 so far)"), answer.body);
      assertEquals(target.restarts(), 1);
      assertOk(target.pid() !== firstPid, "a new process");
      assertOk((target.rss() ?? 0) > 10e6, "the new server's RSS is read");
    } finally {
      await target.close();
    }
    let alive = true;
    try {
      Deno.readTextFileSync(`/proc/${target.pid()}/status`);
    } catch {
      alive = false;
    }
    assertOk(!alive, "close() stopped the server");
  },
});
