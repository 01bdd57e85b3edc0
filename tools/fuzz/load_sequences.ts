/**
 * The fixed sequences of issue 23's "Done when", one request at a time: 200 JPEGs that make
 * libjpeg exit, 100 corrupt 4096² PNGs and 500 corrupt 640x480 PNGs in a row, each block followed
 * by a check that JPEG and PNG decoding still give the same answers (and that a valid 4096² PNG
 * still decodes), with the server's RSS after each; and the 1x16777216 PNG, timed, with `/healthz`
 * probed while it runs.
 *
 * @module
 */
import { type FuzzAssets, type FuzzCase, predictCase } from "./cases.ts";
import { canaryChecks, fingerprint } from "./canary.ts";
import { caseRng, pick } from "./random.ts";
import { corruptPng, exitJpegGenerator, flatPng } from "./gen_images.ts";
import { synthPng } from "./png_synth.ts";
import type { Target } from "./targets.ts";
import { mb } from "./rss.ts";
import { healthLine, sampleHealth } from "./samplers.ts";
import { percentile } from "../../term/latency_stats.ts";

/** The decoders' check after a block: canary photos and a valid 4096² PNG. */
interface DecodeCheck {
  jpeg: string;
  png: string;
  png4096: string;
}

/** A valid 4096x4096 RGB PNG (whole-image path, so only decoding and one resize run). */
function valid4096(assets: FuzzAssets): FuzzCase {
  const bytes = assets.cached("valid 4096 rgb", () => synthPng(4096, 4096, { color: "rgb" }));
  return predictCase("check", "valid rgb png 4096x4096?detect=false", bytes, "any", {
    query: "?detect=false",
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the three blocks; returns the summary lines. */
export async function runSequences(
  firstTarget: Target,
  assets: FuzzAssets,
  seed: number,
  restart?: () => Promise<Target>,
): Promise<string[]> {
  let target = firstTarget;
  const [jpegCanary, pngCanary] = canaryChecks(assets);
  const big = valid4096(assets);
  const check = async (): Promise<{ prints: string[]; line: DecodeCheck }> => {
    const jpeg = await target.send(jpegCanary.request);
    const png = await target.send(pngCanary.request);
    const png4096 = await target.send(big);
    return {
      prints: [fingerprint(jpeg), fingerprint(png), String(png4096.status)],
      line: {
        jpeg: `${jpeg.status}`,
        png: `${png.status}`,
        png4096: `${png4096.status} in ${Math.round(png4096.ms)} ms`,
      },
    };
  };
  await check(); // warm every path up before the reference answers
  const reference = await check();
  await sleep(1000);
  const rssStart = target.rss();
  const lines = [
    `sequences (one request at a time; RSS read 1 s after each block):`,
    `  start: RSS ${mb(rssStart)}; jpeg ${reference.line.jpeg}, png ${reference.line.png}, ` +
    `png 4096² ${reference.line.png4096}`,
  ];
  const rng = caseRng(seed, 2_000_000);
  const blocks: [string, number, () => FuzzCase][] = [
    [
      "exit(1) JPEGs (cmyk / FFxx in scan / frame > 65500)",
      200,
      () => exitJpegGenerator.make(rng, assets),
    ],
    ["corrupt 4096² PNGs", 100, () => {
      const damage = pick(rng, ["truncated", "garbage", "short"] as const);
      const bytes = damage === "garbage"
        ? corruptPng(4096, 4096, "rgba", damage, rng)
        : assets.cached(`png 4096 rgba ${damage}`, () => corruptPng(4096, 4096, "rgba", damage));
      return predictCase("sequence", `rgba png 4096x4096, IDAT ${damage}`, bytes, "4xx");
    }],
    ["corrupt 640x480 PNGs", 500, () => {
      const bytes = corruptPng(640, 480, pick(rng, ["rgb", "rgba"] as const), "garbage", rng);
      return predictCase("sequence", "png 640x480, IDAT garbage", bytes, "4xx");
    }],
  ];
  let allSame = true;
  let broken = false;
  let rssBase = rssStart;
  for (const [name, count, make] of blocks) {
    const statuses = new Map<string, number>();
    const t0 = performance.now();
    let dead: string | undefined;
    for (let i = 0; i < count && !dead; i++) {
      const fuzzCase = make();
      const answer = await target.send(fuzzCase);
      statuses.set(String(answer.status), (statuses.get(String(answer.status)) ?? 0) + 1);
      // One thread: a request that never ends holds every later one (and /healthz) too.
      if (typeof answer.status !== "number") {
        dead = `the server is STUCK or gone after ${i} of them: "${fuzzCase.label}" got ` +
          `${answer.status} after ${Math.round(answer.ms / 1000)} s`;
      }
    }
    const histogram = [...statuses].map(([s, n]) => `${s}x${n}`).join(" ");
    if (dead) {
      broken = true;
      lines.push(`  ${count} ${name}: ${histogram}; ${dead}: FAIL`);
      if (!restart) return lines;
      // Go on with a fresh server, so the later blocks are still measured.
      target = await restart();
      await check();
      await sleep(1000);
      rssBase = target.rss();
      lines.push(`  (server restarted for the next block; RSS ${mb(rssBase)} is the new baseline)`);
      continue;
    }
    const seconds = (performance.now() - t0) / 1000;
    const after = await check();
    await sleep(1000);
    const rss = target.rss();
    const same = after.prints.every((p, i) => p === reference.prints[i]);
    allSame &&= same;
    const growth = rss !== undefined && rssBase !== undefined ? mb(rss - rssBase) : "?";
    lines.push(
      `  ${count} ${name}: ${histogram} in ${seconds.toFixed(1)} s; then jpeg ` +
        `${after.line.jpeg}, png ${after.line.png}, png 4096² ${after.line.png4096}; ` +
        `${same ? "same answers" : "ANSWERS CHANGED"}; RSS ${
          mb(rss)
        } (${growth} since the baseline)`,
    );
  }
  const rssEnd = target.rss();
  const growth = rssEnd !== undefined && rssBase !== undefined ? rssEnd - rssBase : undefined;
  const ok = !broken && allSame && growth !== undefined && growth <= 50e6;
  lines.push(
    `  => decoding ${allSame && !broken ? "still gives the same answers" : "BROKEN"}; RSS growth ` +
      `${mb(growth)} (target +50 MB): ${ok ? "PASS" : "FAIL"}`,
  );
  return lines;
}

/**
 * Sends the 1x16777216 PNG (whole image, then with detection), probing `/healthz` every 50 ms while
 * each runs; a server that died on the first is restarted for the second. Returns the summary lines.
 */
export async function runHugePng(
  firstTarget: Target,
  assets: FuzzAssets,
  restart?: () => Promise<Target>,
): Promise<string[]> {
  let target = firstTarget;
  const [jpegCanary] = canaryChecks(assets);
  await target.send(jpegCanary.request);
  const before = fingerprint(await target.send(jpegCanary.request));
  // An HTTP target is named by its origin.
  const idle = sampleHealth(target.name, 50);
  await sleep(2000);
  const png = flatPng(assets, 1, 16777216);
  const lines = [
    `1x16777216 PNG (${png.length} bytes):`,
    `  /healthz idle: ${healthLine(await idle.stop())}`,
  ];
  let allFast = true;
  for (const query of ["?detect=false", ""]) {
    const fuzzCase = predictCase("huge", `png 1x16777216${query}`, png, "any", { query });
    const health = sampleHealth(target.name, 50);
    let rssMax = target.rss() ?? 0;
    const rssTimer = setInterval(() => rssMax = Math.max(rssMax, target.rss() ?? 0), 200);
    const answer = await target.send(fuzzCase);
    clearInterval(rssTimer);
    const samples = await health.stop();
    const p99 = samples.length ? percentile(samples.map((s) => s.ms), 0.99) : 0;
    const fast = typeof answer.status === "number" && answer.status < 500 &&
      answer.ms < 2000 && p99 < 100;
    allFast &&= fast;
    const body = answer.body.replace(/\s+/g, " ").slice(0, 90);
    lines.push(
      `  POST /api/predict${query}: ${answer.status} in ${Math.round(answer.ms)} ms (${body}); ` +
        `/healthz meanwhile ${healthLine(samples)}; server RSS max ${mb(rssMax)}: ` +
        `${fast ? "PASS" : "FAIL"} (target < 2 s, /healthz p99 < 100 ms)`,
    );
    if (typeof answer.status !== "number" && restart) {
      target = await restart();
      await target.send(jpegCanary.request);
      lines.push("  (the server was gone or stuck: restarted)");
    }
  }
  const after = fingerprint(await target.send(jpegCanary.request));
  const same = after === before;
  lines.push(`  face.jpg afterwards: ${same ? "same answer" : `CHANGED: ${after.slice(0, 100)}`}`);
  lines.push(`  => ${allFast && same ? "PASS" : "FAIL"}`);
  return lines;
}
