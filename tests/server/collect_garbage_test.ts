import { assertEquals } from "../assert.ts";
import { garbageCollector } from "../../src/server/collect_garbage.ts";

Deno.test("garbageCollector collects over the RSS line, at most once an interval, never without gc", () => {
  let t = 0, rss = 100, runs = 0;
  const collect = garbageCollector({
    rssBytes: 200,
    intervalMs: 1000,
    gc: () => runs++,
    rss: () => rss,
    now: () => t,
  });
  assertEquals(collect(), false, "under the line");
  rss = 300;
  assertEquals(collect(), true);
  t = 500;
  assertEquals(collect(), false, "within the interval");
  t = 1500;
  assertEquals(collect(), true);
  assertEquals(runs, 2);
  const without = garbageCollector({ rssBytes: 0, intervalMs: 0, gc: undefined, rss: () => 1e9 });
  // No gc exposed (a runtime without --expose-gc): nothing to call, nothing happens.
  if (!(globalThis as { gc?: unknown }).gc) assertEquals(without(), false);
});
