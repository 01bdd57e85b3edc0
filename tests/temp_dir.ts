/**
 * A temporary folder for one test: made before `fn`, removed after it, whether it passes or throws.
 *
 * @module
 */

/** Runs `fn` with a fresh temporary folder named `PREFIX...`, then removes the folder. */
export async function withTempDir(
  prefix: string,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
