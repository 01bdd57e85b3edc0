/**
 * The fuzz loop's bookkeeping, against a scripted target: 5xx, poisonings (counted once, when the
 * canary turns), stalls, broken inputs answered 200 and internals in error bodies are each found;
 * plus the command line, the loopback-only rule and the `/proc` readers.
 */
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";
import { type FuzzCase, makeAssets, predictCase } from "../../../tools/fuzz/cases.ts";
import { failures, runFuzz } from "../../../tools/fuzz/fuzz.ts";
import { formatReport } from "../../../tools/fuzz/report.ts";
import {
  type FuzzResponse,
  httpTarget,
  type Target,
  toRequest,
} from "../../../tools/fuzz/targets.ts";
import { parseFuzzArgs, scheduledCases } from "../../../tools/fuzz/run.ts";
import { randomCase } from "../../../tools/fuzz/generators.ts";
import { pidListeningOn, rssOfPid } from "../../../tools/fuzz/rss.ts";
import { synthPng } from "../../../tools/fuzz/png_synth.ts";
import { synthJpeg } from "../../../tools/fuzz/jpeg_synth.ts";

const assets = makeAssets(synthJpeg(16, 16), synthPng(16, 16));

/**
 * A target that answers canaries 200 with one face until a case labelled `poison` arrives (then
 * 500), and answers other cases by their label: `500`, `slow`, `leak`, `ok` or a 400.
 */
function scriptedTarget(): Target {
  let poisoned = false;
  const answer = (status: number, body: string, ms = 1): FuzzResponse => ({ status, body, ms });
  return {
    name: "scripted",
    send(c: FuzzCase) {
      if (c.generator === "canary") {
        return Promise.resolve(poisoned ? answer(500, "{}") : answer(200, '{"faces":[{"box":1}]}'));
      }
      if (c.label === "poison") poisoned = true;
      if (c.label === "cure") poisoned = false;
      if (c.label === "500") return Promise.resolve(answer(500, '{"error":"x","code":"y"}'));
      if (c.label === "slow") {
        return Promise.resolve(answer(400, '{"error":"x","code":"y"}', 20_000));
      }
      if (c.label === "leak") return Promise.resolve(answer(422, '{"error":"exit(1)","code":"y"}'));
      if (c.label === "ok") return Promise.resolve(answer(200, '{"faces":[]}'));
      return Promise.resolve(answer(400, '{"error":"no"}'));
    },
    rss: () => 1e6,
    close: () => Promise.resolve(),
  };
}

const bad = (label: string) => ({ fuzzCase: predictCase("g", label, new Uint8Array(1), "4xx") });

Deno.test("runFuzz files each answer under its finding and counts a poisoning once", async () => {
  const labels = ["fine", "500", "poison", "fine", "fine", "cure", "slow", "leak", "ok", "fine"];
  const report = await runFuzz({
    target: scriptedTarget(),
    assets,
    seed: 1,
    cases: labels.map(bad),
  });
  assertEquals(report.sent, 10);
  assertEquals(report.serverErrors.map((r) => r.label), ["500"]);
  assertEquals(report.poisonings.map((p) => p.record.label), ["poison"]);
  assertEquals(report.poisonedAfter, 3, "poison, fine, fine");
  assertEquals(report.stalls.map((r) => r.label), ["slow"]);
  assertEquals(report.leaks.map((r) => r.label), ["leak"]);
  assertEquals(report.acceptedBad.map((r) => r.label), ["ok"]);
  assertEquals(report.badErrorShape.length, 6, "the default answer's {error} lacks a code");
  assertEquals(report.histogram.get("400"), 7);
  assertEquals(report.records.filter((r) => r.whilePoisoned).map((r) => r.position), [3, 4, 5]);
  assertEquals(failures(report).length, 5);
  const text = formatReport(report);
  assertOk(text.includes("poisonings: 1") && text.includes("FAIL: 1 5xx answers"), text);
});

Deno.test("runFuzz passes a clean run and stops at --seconds", async () => {
  const target = scriptedTarget();
  const clean = await runFuzz({ target, assets, seed: 1, cases: ["a", "b"].map(bad) });
  assertEquals(failures(clean), []);
  assertOk(formatReport(clean).includes("PASS"));
  const endless = function* () {
    for (;;) yield bad("x");
  };
  const timed = await runFuzz({ target, assets, seed: 1, cases: endless(), seconds: 0.05 });
  assertOk(timed.sent > 0 && timed.seconds < 5);
});

Deno.test("parseFuzzArgs and scheduledCases: corpus first, --case rebuilds one random case", () => {
  const defaults = parseFuzzArgs([]);
  assertEquals([defaults.seed, defaults.count, defaults.target, defaults.corpus], [
    1,
    500,
    "in-process",
    true,
  ]);
  const args = parseFuzzArgs(["--seed", "9", "--count", "5"]);
  const cases = [...scheduledCases(args, assets)];
  assertOk(cases[0].fuzzCase.generator === "corpus" && cases[0].index === undefined);
  assertEquals(cases.slice(-5).map((c) => c.index), [0, 1, 2, 3, 4]);
  const one = [...scheduledCases(parseFuzzArgs(["--seed", "9", "--case", "3"]), assets)];
  assertEquals(one.length, 1);
  assertEquals(one[0].fuzzCase.label, randomCase(9, 3, assets).label);
  const only = [
    ...scheduledCases(
      parseFuzzArgs(["--no-corpus", "--count", "20", "--generators", "wrong-method"]),
      assets,
    ),
  ];
  assertOk(only.every((c) => c.fuzzCase.generator === "wrong-method"));
  assertThrows(
    () => [...scheduledCases(parseFuzzArgs(["--generators", "nope"]), assets)],
    "no generator",
  );
  assertThrows(() => parseFuzzArgs(["--count", "x"]), "whole number");
});

Deno.test("the HTTP target refuses anything but loopback", async () => {
  await assertThrows(() => httpTarget("http://example.com:8000", { timeoutMs: 1 }), "loopback");
  await assertThrows(() => httpTarget("http://10.0.0.1", { timeoutMs: 1 }), "loopback");
  await assertThrows(() => httpTarget("https://127.0.0.1", { timeoutMs: 1 }), "loopback");
});

Deno.test("a lying Content-Length shorter than the body cuts it, as a server would read it", async () => {
  const c = { ...predictCase("g", "x", new Uint8Array(100), "any"), contentLength: 10 };
  const request = toRequest("http://127.0.0.1", c);
  assertEquals(request.headers.get("content-length"), "10");
  assertEquals((await request.arrayBuffer()).byteLength, 10);
});

Deno.test("the raw-socket path sends the lying Content-Length to a loopback server", async () => {
  let seen = "";
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    seen = `${req.headers.get("content-length")} ${(await req.arrayBuffer()).byteLength}`;
    return new Response("{}", { status: 418 });
  });
  try {
    const target = httpTarget(`http://127.0.0.1:${server.addr.port}`, { timeoutMs: 5000 });
    const c = { ...predictCase("g", "x", new Uint8Array(100), "any"), contentLength: 10 };
    const answer = await target.send(c);
    assertEquals([answer.status, seen], [418, "10 10"]);
  } finally {
    await server.shutdown();
  }
});

Deno.test({
  name: "rss readers: this process's RSS, and the process listening on a port",
  ignore: Deno.build.os !== "linux",
  fn() {
    const rss = rssOfPid(Deno.pid);
    assertOk(rss !== undefined && rss > 10e6, `rss ${rss}`);
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      assertEquals(pidListeningOn((listener.addr as Deno.NetAddr).port), Deno.pid);
    } finally {
      listener.close();
    }
  },
});
