/**
 * The one way fer-edge's command-line tools end: run `main`, exit with the code it returns; print
 * the help and exit 0 on `--help`; turn a bad command line ({@link UsageError}, `flags.ts`) into
 * one line and exit code 2, and any other thrown error into one line and exit code 1.
 *
 * @module
 */
import { HelpRequested, UsageError } from "./flags.ts";

/**
 * Runs `main(Deno.args)` and exits with its code. `name` is the task (`train`, `bench:serve`).
 * A usage error prints `deno task NAME: message (see --help)` and exits 2; any other thrown error
 * prints as `NAME: message`, without a stack, and exits 1: the errors that reach here are the
 * user's to fix (a missing folder, a bad file), and the message names what is wrong.
 */
export async function runMain(
  name: string,
  main: (args: string[]) => Promise<number>,
): Promise<never> {
  let code: number;
  try {
    code = await main(Deno.args);
  } catch (error) {
    code = reportError(name, error);
  }
  Deno.exit(code);
}

/** Prints what `error` means for command `name` and returns the exit code for it. */
export function reportError(name: string, error: unknown): number {
  if (error instanceof HelpRequested) {
    console.log(error.help.trimEnd());
    return 0;
  }
  if (error instanceof UsageError) {
    console.error(`deno task ${name}: ${error.message} (see --help)`);
    return 2;
  }
  console.error(`${name}: ${error instanceof Error ? error.message : error}`);
  return 1;
}
