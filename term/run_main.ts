/**
 * The one way fer-edge's command-line tools end: run `main`, exit with the code it returns, and
 * turn a thrown error into a one-line message and exit code 1.
 *
 * @module
 */

/**
 * Runs `main(Deno.args)` and exits with its code. A thrown error prints as `NAME: message`,
 * without a stack: the errors that reach here are the user's to fix (a missing folder, a bad
 * flag), and the message names what is wrong.
 */
export async function runMain(
  name: string,
  main: (args: string[]) => Promise<number>,
): Promise<never> {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    console.error(`${name}: ${error instanceof Error ? error.message : error}`);
    Deno.exit(1);
  }
}
