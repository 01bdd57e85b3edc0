import { assertEquals, assertOk, assertThrows } from "../assert.ts";
import { percentile, runConcurrent, summarize } from "../../term/latency_stats.ts";

Deno.test("percentile uses nearest rank; summarize gives p50, p95 and requests/s", async () => {
  const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
  assertEquals([percentile(values, 0.5), percentile(values, 0.95), percentile(values, 1)], [
    50,
    95,
    100,
  ]);
  assertEquals(percentile([7], 0.95), 7);
  assertEquals(summarize(values, 2000), { count: 100, p50: 50, p95: 95, rps: 50 });
  await assertThrows(() => percentile([], 0.5), "no values");
  await assertThrows(() => percentile([1], 1.5), "quantile");
});

Deno.test("runConcurrent keeps at most `concurrency` tasks in flight and runs each once", async () => {
  let inFlight = 0;
  let peak = 0;
  const seen: number[] = [];
  const { latencies, wallMs } = await runConcurrent(20, 3, async (i) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    seen.push(i);
    await new Promise((r) => setTimeout(r, 2));
    inFlight--;
  });
  assertEquals(peak, 3);
  assertEquals(seen.sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
  assertEquals(latencies.length, 20);
  assertOk(wallMs >= 2 * Math.ceil(20 / 3) - 1, `wall ${wallMs}`);
});
