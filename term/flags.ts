/**
 * The one command-line convention of every `deno task`: flags are parsed strictly (node:util's
 * `parseArgs`), `--help` or `-h` prints the command's help on stdout and exits 0, and an unknown
 * flag, a missing or bad value prints one line on stderr,
 * `deno task train: unknown flag --foo (see --help)`, and exits 2 — never a stack trace.
 *
 * A command declares its help text and options once and lets {@link runMain} (`run_main.ts`)
 * turn {@link HelpRequested} and {@link UsageError} into those exits:
 *
 * ```ts
 * const FLAGS = defineFlags({
 *   help: "deno task export --run DIR --to DIR",
 *   options: { run: { type: "string" }, to: { type: "string" } },
 * });
 * async function main(args: string[]): Promise<number> {
 *   const { values } = parseFlags(args, FLAGS);
 *   const run = requireFlag("run", values.run);
 *   // ...
 *   return 0;
 * }
 * if (import.meta.main) await runMain("export", main);
 * ```
 *
 * @module
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

/** A bad command line: an unknown flag, a missing or malformed value. Exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** `--help` or `-h` was given: the command prints `help` and exits 0. */
export class HelpRequested extends Error {
  override name = "HelpRequested";
  /** Creates the request carrying the command's help text. */
  constructor(readonly help: string) {
    super("help requested");
  }
}

/** What a command accepts. */
export interface FlagSpec<O extends ParseArgsOptionsConfig> {
  /** The text `--help` prints: usage line, every flag, defaults. */
  help: string;
  /** The flags (`--help`/`-h` are added by {@link parseFlags}; do not declare them). */
  options: O;
  /** Whether the command takes positional arguments (default false: one is a usage error). */
  positionals?: boolean;
}

/** Keeps a spec's literal option types, so {@link parseFlags} types each value. */
export function defineFlags<const O extends ParseArgsOptionsConfig>(
  spec: FlagSpec<O>,
): FlagSpec<O> {
  return spec;
}

/** True when `args` ask for help: `--help` or `-h` before a `--` separator. */
export function wantsHelp(args: readonly string[]): boolean {
  for (const arg of args) {
    if (arg === "--") return false;
    if (arg === "--help" || arg === "-h") return true;
  }
  return false;
}

/** node:util's parse errors, re-worded as one short line naming the flag. */
function usageFromParseError(error: unknown): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    return new UsageError(`unknown flag ${quoted}`);
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    return new UsageError(`unexpected argument "${quoted}"`);
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const flag = quoted.split(" ")[0].replace(/^-\w, /, "");
    return new UsageError(
      /does not take/.test(message) ? `${flag} takes no value` : `${flag} needs a value`,
    );
  }
  return new UsageError(message.split(". ")[0]);
}

/**
 * Parses `args` against `spec`: throws {@link HelpRequested} for `--help`/`-h` (even beside bad
 * flags) and {@link UsageError} for anything `spec` does not accept.
 */
export function parseFlags<const O extends ParseArgsOptionsConfig>(
  args: string[],
  spec: FlagSpec<O>,
) {
  if (wantsHelp(args)) throw new HelpRequested(spec.help);
  try {
    return parseArgs({
      args,
      options: spec.options,
      strict: true,
      allowPositionals: spec.positionals ?? false,
    });
  } catch (error) {
    throw usageFromParseError(error);
  }
}

/** `value`, or a {@link UsageError} `--NAME is required`. */
export function requireFlag<T>(name: string, value: T | undefined): T {
  if (value === undefined || value === "") throw new UsageError(`--${name} is required`);
  return value;
}

/** Limits of {@link numberFlag}. */
export interface NumberLimits {
  /** Whole numbers only. */
  integer?: boolean;
  /** Smallest value allowed. */
  min?: number;
  /** Largest value allowed. */
  max?: number;
  /** Above 0 (for sizes and scales, where 0 means nothing). */
  positive?: boolean;
}

/**
 * The number in `raw` (undefined when the flag was not given), or a {@link UsageError} naming
 * the flag, the value and what it must be.
 */
export function numberFlag(
  name: string,
  raw: string | undefined,
  limits: NumberLimits = {},
): number | undefined {
  if (raw === undefined) return undefined;
  const value = raw.trim() === "" ? NaN : Number(raw);
  const what = limits.integer ? "an integer" : "a number";
  const range = limits.positive
    ? " > 0"
    : limits.min !== undefined && limits.max !== undefined
    ? ` in [${limits.min}, ${limits.max}]`
    : limits.min !== undefined
    ? ` >= ${limits.min}`
    : limits.max !== undefined
    ? ` <= ${limits.max}`
    : "";
  const ok = Number.isFinite(value) && (!limits.integer || Number.isInteger(value)) &&
    (limits.min === undefined || value >= limits.min) &&
    (limits.max === undefined || value <= limits.max) && (!limits.positive || value > 0);
  if (!ok) throw new UsageError(`--${name} expects ${what}${range}, got "${raw}"`);
  return value;
}

/** `raw` when it is one of `choices` (undefined when not given), else a {@link UsageError}. */
export function choiceFlag<const T extends string>(
  name: string,
  raw: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (raw === undefined) return undefined;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new UsageError(`--${name} must be one of ${choices.join(", ")}, got "${raw}"`);
  }
  return raw as T;
}
