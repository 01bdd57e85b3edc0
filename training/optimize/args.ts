/**
 * The command line of `deno task optimize`: its own search flags, told apart from the train flags
 * that set the base config every trial starts from.
 *
 * @module
 */

/** The flags that belong to the search, not to the trials' training. */
export const SEARCH_FLAGS = ["max-evals", "parallel", "algo", "out", "val-limit", "search-seed"];

/** Splits argv into search flags and train flags. */
export function splitArgs(args: string[]): { search: string[]; train: string[] } {
  const search: string[] = [];
  const train: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].replace(/^--/, "").split("=")[0];
    if (SEARCH_FLAGS.includes(name)) {
      search.push(args[i]);
      if (!args[i].includes("=") && i + 1 < args.length) search.push(args[++i]);
    } else {
      train.push(args[i]);
    }
  }
  return { search, train };
}
