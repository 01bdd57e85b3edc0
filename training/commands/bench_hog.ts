/**
 * `deno task bench:hog`: time per image of the table-driven HOG + sliding HOG used by
 * `deno task prepare` against a literal port of skimage (the baseline, measured in the same run), on
 * the committed fixture's real faces. Prints the ratio and the largest difference between the two.
 *
 * @module
 */
import { FACE_HOG, FACE_HOG_WINDOWS, hog, loadFerCsvSplits, slidingHog } from "../data/mod.ts";
import { referenceHog, referenceSlidingHog } from "../prepare/hog_reference.ts";
import { defineFlags, numberFlag, parseFlags } from "../../term/flags.ts";
import { runMain } from "../../term/run_main.ts";

const FIXTURE = new URL("../../tests/fixtures/fer2013_sample.csv.gz", import.meta.url).pathname;

const FLAGS = defineFlags({
  help: `deno task bench:hog [--rounds N]

Time per image of fer-edge's HOG + sliding HOG against a literal skimage port (the baseline, in the
same run), on the committed fixture's faces; prints the ratio and the largest difference.

  --rounds N   passes over the fixture's faces per implementation (default 5)
`,
  options: { rounds: { type: "string", default: "5" } },
});

async function main(args: string[]): Promise<number> {
  const rounds = numberFlag("rounds", parseFlags(args, FLAGS).values.rounds, {
    integer: true,
    min: 1,
  })!;
  const { splits } = await loadFerCsvSplits(FIXTURE);
  const images = [splits.Training!, splits.PublicTest!].flatMap((s) =>
    Array.from({ length: s.count }, (_, i) => s.images.subarray(i * 2304, (i + 1) * 2304))
  );

  const time = (label: string, run: (image: Uint8Array) => ArrayLike<number>): number => {
    for (const image of images.slice(0, 20)) run(image); // warm up the JIT
    const start = performance.now();
    for (let r = 0; r < rounds; r++) for (const image of images) run(image);
    const perImage = ((performance.now() - start) * 1000) / (rounds * images.length);
    console.log(`${label.padEnd(34)} ${perImage.toFixed(1).padStart(8)} us/image`);
    return perImage;
  };

  const fast = new Float32Array(72 + 2592);
  const baseline = time("baseline: skimage port (atan2)", (image) => [
    ...referenceHog(image, 48, 48, 8, 16),
    ...referenceSlidingHog(image, 48, FACE_HOG_WINDOWS),
  ]);
  const ours = time("training/data/hog.ts (bin table)", (image) => {
    hog(image, 48, 48, FACE_HOG, fast, 0);
    return slidingHog(image, 48, 48, FACE_HOG_WINDOWS, fast, 72);
  });

  let maxDiff = 0;
  for (const image of images) {
    const expected = [
      ...referenceHog(image, 48, 48, 8, 16),
      ...referenceSlidingHog(image, 48, FACE_HOG_WINDOWS),
    ];
    hog(image, 48, 48, FACE_HOG, fast, 0);
    slidingHog(image, 48, 48, FACE_HOG_WINDOWS, fast, 72);
    expected.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - fast[i]))));
  }
  console.log(
    `speed-up ${
      (baseline / ours).toFixed(1)
    }x over the baseline on ${images.length} faces x ${rounds} rounds`,
  );
  console.log(`largest difference to the baseline: ${maxDiff.toExponential(2)} (float32 rounding)`);
  console.log(`projected HOG time for 32,298 images: ${((ours * 32298) / 1e6).toFixed(1)} s`);
  return 0;
}

if (import.meta.main) await runMain("bench:hog", main);
