/**
 * Minimal assertions for the test suite (`@std/assert` lives on JSR, which is unreachable here), built
 * on `node:assert` so failures print readable diffs.
 *
 * @module
 */
import assert from "node:assert/strict";

/** Asserts deep equality. */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  if (message === undefined) assert.deepStrictEqual(actual, expected);
  else assert.deepStrictEqual(actual, expected, message);
}

/** Asserts that a value is truthy. */
export function assertOk(value: unknown, message?: string): asserts value {
  if (message === undefined) assert.ok(value);
  else assert.ok(value, message);
}

/** Asserts that `actual` is within `tolerance` of `expected`. */
export function assertAlmostEquals(
  actual: number,
  expected: number,
  tolerance = 1e-7,
  message?: string,
): void {
  const delta = Math.abs(actual - expected);
  if (!(delta <= tolerance)) {
    throw new assert.AssertionError({
      message: message ??
        `expected ${actual} to be within ${tolerance} of ${expected} (delta ${delta})`,
      actual,
      expected,
    });
  }
}

/** Asserts that `fn` throws (or rejects) with an error whose message contains `includes`. */
export async function assertThrows(
  fn: () => unknown | Promise<unknown>,
  includes?: string,
): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof Error)) throw new Error(`threw a non-Error: ${String(error)}`);
    if (includes && !error.message.includes(includes)) {
      throw new assert.AssertionError({
        message: `error message ${JSON.stringify(error.message)} lacks ${JSON.stringify(includes)}`,
      });
    }
    return error;
  }
  throw new assert.AssertionError({ message: "expected the function to throw" });
}
