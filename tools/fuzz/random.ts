/**
 * Seeded choices for the fuzzer's generators, on top of the project's mulberry32 generator: every
 * case gets its own generator derived from (run seed, case index), so any one case can be rebuilt
 * alone from those two numbers.
 *
 * @module
 */
import { Rng } from "../../training/rng.ts";

export { Rng };

/** The generator for case `index` of the run seeded with `seed` (independent of other cases). */
export function caseRng(seed: number, index: number): Rng {
  // Mix the two numbers (murmur3 finaliser) so nearby seeds and indices give unrelated streams.
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ (index >>> 0)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return new Rng((h ^ (h >>> 16)) >>> 0);
}

/** A uniform integer in [lo, hi] (both inclusive). */
export function randInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng.next() * (hi - lo + 1));
}

/** A uniform element of `items`. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng.next() * items.length)];
}

/** An element of `items` drawn with probability proportional to its `weight`. */
export function pickWeighted<T extends { weight: number }>(rng: Rng, items: readonly T[]): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let x = rng.next() * total;
  for (const item of items) {
    x -= item.weight;
    if (x < 0) return item;
  }
  return items[items.length - 1];
}

/** `length` random bytes. */
export function randomBytes(rng: Rng, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.floor(rng.next() * 256);
  return out;
}

/** A length from 0 to `max`, skewed towards short (most bugs live near the edges). */
export function skewedLength(rng: Rng, max: number): number {
  return Math.floor(max * rng.next() ** 3);
}
