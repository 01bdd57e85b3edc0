/**
 * `deno task fuzz` in CI: issue 23's reproductions (the corpus) and 150 seeded random cases against
 * the real server (`deno task start`'s command on 127.0.0.1: models/default, the real face
 * detector), the canary after each. No 5xx, no poisoning, no stall, no memory blow-up, no broken
 * input answered 200 and no codec internals in an error body. The 1x16777216 PNG stays in: a fixed
 * server answers it in well under 2 s.
 *
 * The server runs as its own process rather than in this one so that a server that blows up (on
 * the unfixed code the 1x16777216 PNG took an in-process run to 18 GB) is killed at the 3 GB cap and
 * restarted, and the test always ends: a Deno worker cannot be stopped mid-task.
 *
 * A long run: `deno task fuzz --seed 2 --seconds 3600` (or `--target http://127.0.0.1:PORT`).
 */
import { assertEquals } from "../../assert.ts";
import { type CaseRecord, loadAssets, runFuzz } from "../../../tools/fuzz/fuzz.ts";
import { describeCase, formatReport } from "../../../tools/fuzz/report.ts";
import { spawnTarget } from "../../../tools/fuzz/spawn_target.ts";
import { scheduledCases } from "../../../tools/fuzz/run.ts";

/** Cases in the CI run, after the corpus: about 40 s on two shared cores. */
const CI_COUNT = 150;

Deno.test({
  name: `fuzz: the corpus and ${CI_COUNT} seeded cases give no 5xx and no poisoning`,
  async fn() {
    const target = await spawnTarget({ maxRssBytes: 3e9, hardLimitMs: 60_000 });
    try {
      const assets = await loadAssets();
      const report = await runFuzz({
        target,
        assets,
        seed: 1,
        cases: scheduledCases({ seed: 1, count: CI_COUNT, corpus: true, generators: [] }, assets),
        stallMs: 10_000,
      });
      console.log(formatReport(report));
      const list = (records: CaseRecord[]) => records.map(describeCase);
      assertEquals(list(report.serverErrors), [], "5xx answers");
      assertEquals(
        report.poisonings.map((p) => describeCase(p.record)),
        [],
        "cases after which the canary changed",
      );
      assertEquals(list(report.stalls), [], "cases answered after 10 s");
      assertEquals(list(report.dropped), [], "cases without an answer, server exits");
      assertEquals(list(report.memoryBlowups), [], "cases that took the server over 3 GB");
      assertEquals(list(report.acceptedBad), [], "broken inputs answered 2xx");
      assertEquals(list(report.leaks), [], "error bodies naming codec internals");
    } finally {
      await target.close();
    }
  },
});
