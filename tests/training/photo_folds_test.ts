import { assertEquals, assertOk } from "../assert.ts";
import { photoFold, photoPerson } from "../../training/photos/folds.ts";
import { appendRepeated } from "../../training/photos/fine_tune_data.ts";

Deno.test("photoPerson strips the image number; every photo of a person shares a fold", () => {
  assertEquals(photoPerson("George_W_Bush_0042.jpg"), "George_W_Bush");
  assertEquals(photoPerson("Avinash_10.jpg"), "Avinash");
  assertEquals(photoPerson("facial-expressions_2868585k.jpg"), "facial-expressions_2868585k");
  for (const folds of [2, 3, 5]) {
    assertEquals(
      photoFold("Colin_Powell_0001.jpg", folds),
      photoFold("Colin_Powell_0137.jpg", folds),
    );
  }
});

Deno.test("photoFold spreads people over the folds and refuses fewer than 2", () => {
  const counts = [0, 0];
  for (let i = 0; i < 400; i++) counts[photoFold(`Person${i}_0001.jpg`, 2)]++;
  assertOk(counts[0] > 150 && counts[1] > 150, `fold sizes ${counts}`);
  let threw = false;
  try {
    photoFold("a_1.jpg", 1);
  } catch {
    threw = true;
  }
  assertOk(threw);
});

Deno.test("appendRepeated keeps every original image and adds each extra one R times", () => {
  const px = 48 * 48;
  const base = {
    split: "Training" as const,
    count: 2,
    images: new Uint8Array(2 * px).map((_, i) => (i < px ? 1 : 2)),
    labels: Uint8Array.from([0, 1]),
    features: {},
  };
  const extra = [new Uint8Array(px).fill(7), new Uint8Array(px).fill(9)];
  const out = appendRepeated(base, extra, [3, 6], 3);
  assertEquals(out.count, 8);
  assertEquals([...out.labels], [0, 1, 3, 6, 3, 6, 3, 6]);
  assertEquals(out.images[0], 1);
  assertEquals(out.images[px], 2);
  assertEquals(out.images[2 * px], 7);
  assertEquals(out.images[7 * px + 5], 9);
});
