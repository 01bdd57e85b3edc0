import { assertEquals } from "../assert.ts";
import {
  choiceFlag,
  defineFlags,
  HelpRequested,
  numberFlag,
  parseFlags,
  requireFlag,
  UsageError,
  wantsHelp,
} from "../../term/flags.ts";

const FLAGS = defineFlags({
  help: "deno task x [--run DIR] [--n N] [--quick]",
  options: {
    run: { type: "string" },
    n: { type: "string", default: "3" },
    quick: { type: "boolean", default: false },
  },
});

/** The error `fn` throws (fails when it throws none). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}

Deno.test("parseFlags: values typed with their defaults, --help and -h before anything else", () => {
  const { values } = parseFlags(["--run", "r1", "--quick"], FLAGS);
  assertEquals({ ...values }, { run: "r1", n: "3", quick: true });
  for (const args of [["--help"], ["-h"], ["--bogus", "--help"], ["--run", "r", "-h"]]) {
    const error = thrown(() => parseFlags(args, FLAGS));
    assertEquals(error instanceof HelpRequested && error.help, FLAGS.help);
  }
  // After `--` nothing is a flag, --help included.
  assertEquals(wantsHelp(["--", "--help"]), false);
});

Deno.test("parseFlags: unknown flags, missing values and stray arguments are one-line usage errors", () => {
  const cases: [string[], string][] = [
    [["--bogus"], "unknown flag --bogus"],
    [["-x"], "unknown flag -x"],
    [["--run"], "--run needs a value"],
    [["--quick=yes"], "--quick takes no value"],
    [["stray"], 'unexpected argument "stray"'],
  ];
  for (const [args, message] of cases) {
    const error = thrown(() => parseFlags(args, FLAGS));
    assertEquals([error instanceof UsageError, error.message], [true, message], args.join(" "));
  }
  const withPositionals = defineFlags({ ...FLAGS, positionals: true });
  assertEquals(parseFlags(["a", "--quick", "b"], withPositionals).positionals, ["a", "b"]);
});

Deno.test("numberFlag, choiceFlag, requireFlag: bad values name the flag, the value and the rule", () => {
  assertEquals(numberFlag("n", undefined), undefined);
  assertEquals(numberFlag("n", "2.5"), 2.5);
  assertEquals(numberFlag("n", "7", { integer: true, min: 1, max: 9 }), 7);
  const bad: [() => unknown, string][] = [
    [() => numberFlag("n", "x"), '--n expects a number, got "x"'],
    [() => numberFlag("n", ""), '--n expects a number, got ""'],
    [() => numberFlag("n", "1.5", { integer: true }), '--n expects an integer, got "1.5"'],
    [() => numberFlag("n", "0", { integer: true, min: 1 }), '--n expects an integer >= 1, got "0"'],
    [() => numberFlag("n", "10", { min: 0, max: 9 }), '--n expects a number in [0, 9], got "10"'],
    [() => numberFlag("scale", "0", { positive: true }), '--scale expects a number > 0, got "0"'],
    [
      () => choiceFlag("tta", "both", ["none", "flip"]),
      '--tta must be one of none, flip, got "both"',
    ],
    [() => requireFlag("run", undefined), "--run is required"],
  ];
  for (const [fn, message] of bad) {
    const error = thrown(fn);
    assertEquals([error instanceof UsageError, error.message], [true, message]);
  }
  assertEquals(choiceFlag("tta", "flip", ["none", "flip"]), "flip");
  assertEquals(choiceFlag("tta", undefined, ["none", "flip"]), undefined);
  assertEquals(requireFlag("run", "r"), "r");
});
