/**
 * The one mulberry32 generator (`training/rng.ts`): the class and the function form give the same
 * sequence, and it is the sequence the SVM's and the search's former private copies gave (values
 * recorded from them), so seeded SVM fits and searches are unchanged.
 *
 * @module
 */
import { assertEquals } from "../assert.ts";
import { Rng, seededRandom } from "../../training/rng.ts";

const RECORDED: [number, number[]][] = [
  [1, [0.6270739405881613, 0.002735721180215478, 0.5274470399599522, 0.9810509674716741]],
  [42, [0.6011037519201636, 0.44829055899754167, 0.8524657934904099, 0.6697340414393693]],
  // Seeds wrap to 32 bits, as the copies' `seed >>> 0` did.
  [2 ** 32 + 7, [0.011704753153026104, 0.06195825757458806, 0.97690763277933, 0.6990287057124078]],
];

Deno.test("mulberry32: Rng and seededRandom give the recorded sequence of each seed", () => {
  for (const [seed, expected] of RECORDED) {
    const rng = new Rng(seed);
    const random = seededRandom(seed);
    assertEquals(Array.from({ length: 4 }, () => rng.next()), expected, `Rng(${seed})`);
    assertEquals(Array.from({ length: 4 }, () => random()), expected, `seededRandom(${seed})`);
  }
});

Deno.test("mulberry32: a generator restored from its state continues the same sequence", () => {
  const rng = new Rng(9);
  rng.next();
  const resumed = new Rng(rng.state);
  assertEquals([resumed.next(), resumed.next()], [rng.next(), rng.next()]);
});
