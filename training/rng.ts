/**
 * The project's one seeded pseudo-random generator (mulberry32), for shuffling and augmentation,
 * the SVM's coordinate order, the hyperparameter search and the fuzzer, so a run is reproducible
 * from its seed and a resumed run continues the same sequence.
 *
 * ```ts
 * const rng = new Rng(7);
 * const order = rng.permutation(10);
 * const random = seededRandom(7); // the same sequence as a plain function
 * ```
 *
 * @module
 */

/** Seeded generator of uniform numbers in [0, 1). */
export class Rng {
  #state: number;

  /** Creates a generator; the same seed gives the same sequence. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The internal state, to save and restore a generator exactly. */
  get state(): number {
    return this.#state;
  }

  /** Next uniform number in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform number in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** A random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

/** A seeded uniform generator in [0, 1), as a plain function. */
export type Random = () => number;

/** {@link Rng}'s sequence for `seed` as a function, for code that only draws numbers. */
export function seededRandom(seed: number): Random {
  const rng = new Rng(seed);
  return () => rng.next();
}
