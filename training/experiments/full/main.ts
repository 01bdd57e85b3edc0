/**
 * `deno task experiments --full`: the seed's question at a budget where the networks converge
 * (issue 27), as one resumable command. The cells (`cells.ts`) run one at a time under
 * `--root` (default `~/fer-runs/grid`); run the same command again after Ctrl-C, a kill or in the
 * next session, and finished cells are skipped and the stopped one resumes from its checkpoint.
 * The report (`docs/full-study.md` and `.svg`) is redrawn from the run folders after every cell
 * and by `--report-only`.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { readManifest } from "../../data/cache.ts";
import { FIVE_EXPRESSIONS } from "../grid.ts";
import { selectCells, type StudyBudget, type StudyCell, studyCells } from "./cells.ts";
import { childRunner, StudyLock } from "./child.ts";
import { studyChartSvg } from "./chart.ts";
import { estimateRemaining, formatHours, parseDeadline } from "./eta.ts";
import { runPairs } from "./paired.ts";
import { displayPath, studyReport } from "./report.ts";
import { cellCommand, runStudy } from "./runner.ts";
import { readJsonIfPresent, writeJsonWhole } from "./score_run.ts";
import { describeState, type StudyPaths } from "./state.ts";
import { REPOSITORY_LEDGER, studyStates } from "./ledger.ts";
import { ensureExpressionSubset, subsetDir } from "./subset_data.ts";
import type { CellView } from "./view.ts";
import { defineFlags, numberFlag, parseFlags, UsageError } from "../../../term/flags.ts";

const FLAGS = defineFlags({
  help: `deno task experiments --full [flags]

Issue 27's study: SVM cells, the default network on raw pixels / + landmarks / + landmarks + HOG /
+ landmarks + sliding-window HOG at 5 and 7 classes (25 epochs, two seeds for two cells), the
seed's Model A and B (13 epochs), and the default network without batch norm, one cell at a time.
Run the same command again to continue: finished cells are skipped, the stopped one resumes.

  --root DIR        study folder (default ~/fer-runs/grid): cells/, svm/, data-5/, study.json
  --data DIR        prepared 7-class data with landmarks, hog and hogWindows (default
                    data/prepared; \`deno task prepare --landmarks\`); kept in study.json
  --only LIST       run only these cells (ids as --dry-run lists them)
  --until TIME      a session's end (HH:MM UTC, or an ISO date and time): start no cell after
                    it, stop the training under way then and park it in the ledger (commit
                    it), so the next call, in any session, continues it from that batch
  --workers 1|2     training threads of the CNN cells (default 2)
  --dry-run         list every cell with its state and command, run nothing
  --report-only     redraw the report from the run folders, run nothing
  --report-dir DIR  where full-study.md and full-study.svg go (default the repository's docs/)
  --ledger DIR      where each finished cell is recorded, to be committed (default the
                    repository's results/full-study/ at the full budget, else ROOT/ledger/); a
                    recorded cell is done even when its run folder is gone
  --epochs N --limit N
                    a smaller budget to try the machinery (every CNN cell's epochs; images per
                    split); kept in study.json, so one root never mixes budgets
  -h, --help        show this help
`,
  options: {
    root: { type: "string" },
    data: { type: "string" },
    only: { type: "string" },
    until: { type: "string" },
    workers: { type: "string", default: "2" },
    "dry-run": { type: "boolean", default: false },
    "report-only": { type: "boolean", default: false },
    "report-dir": { type: "string" },
    ledger: { type: "string" },
    epochs: { type: "string" },
    limit: { type: "string" },
  },
});

/** `ROOT/study.json`: what every cell of a root shares. */
interface StudyRecord {
  data: string;
  budget: StudyBudget;
}

function count(flag: string, value: string | undefined): number | undefined {
  return numberFlag(flag, value, { integer: true, min: 1 });
}

/**
 * The cells' views (every cell of the study, in order) read from the ledger and `root`. Only a
 * run records cells: a report or a dry run writes nothing to the ledger.
 */
async function readViews(
  cells: readonly StudyCell[],
  paths: StudyPaths,
  svmLimit: number,
): Promise<CellView[]> {
  const states = await studyStates(cells, paths, svmLimit);
  return cells.map((cell, i) => ({ cell, state: states[i] }));
}

/**
 * Lays the report and chart out as `deno fmt` does (aligned tables, wrapped prose, indented SVG),
 * so the committed copies pass `deno task check` as drawn; a failure only leaves them unformatted.
 */
async function formatFiles(paths: string[]): Promise<void> {
  const config = new URL("../../../deno.json", import.meta.url).pathname;
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--config", config, ...paths],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) console.error(`deno fmt failed: ${new TextDecoder().decode(stderr)}`);
}

/** Checks that `data` is what the study needs, with a hint to make it. */
async function checkData(data: string): Promise<void> {
  const hint = `run \`deno task prepare --csv fer2013.csv --landmarks --out ${data}\``;
  const manifest = await readManifest(data).catch(() => {
    throw new Error(`no prepared data in ${data}; ${hint}`);
  });
  if (manifest.expressions.join() !== "0,1,2,3,4,5,6") {
    throw new Error(`${data} must hold all 7 expressions (prepared without --expressions)`);
  }
  const missing = ["landmarks", "hog", "hogWindows"].filter((f) => !(f in manifest.features));
  if (missing.length) throw new Error(`${data} lacks ${missing.join(", ")}; ${hint}`);
}

/** Runs `deno task experiments --full ARGS` (see its `--help`); returns the exit code. */
export async function fullStudyMain(args: string[]): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  if (values.workers !== "1" && values.workers !== "2") {
    throw new UsageError(`--workers must be 1 or 2, got "${values.workers}"`);
  }
  const workers = values.workers === "2" ? 2 : 1;
  let deadline: Date | undefined;
  try {
    deadline = values.until === undefined ? undefined : parseDeadline(values.until);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const root = resolve(values.root ?? join(Deno.env.get("HOME") ?? ".", "fer-runs", "grid"));
  const recordPath = join(root, "study.json");
  const saved = await readJsonIfPresent<StudyRecord>(recordPath);
  const given: StudyBudget = {
    epochs: count("epochs", values.epochs),
    limit: count("limit", values.limit),
  };
  const budget = saved && values.epochs === undefined && values.limit === undefined
    ? saved.budget
    : given;
  const data = resolve(values.data ?? saved?.data ?? "data/prepared");
  if (saved && (saved.data !== data || JSON.stringify(saved.budget) !== JSON.stringify(budget))) {
    throw new Error(
      `${root} holds a study on ${saved.data} with budget ${JSON.stringify(saved.budget)}; ` +
        `this call asks for ${data} with ${JSON.stringify(budget)}: use another --root`,
    );
  }
  const fullBudget = budget.epochs === undefined && budget.limit === undefined;
  const ledger = resolve(values.ledger ?? (fullBudget ? REPOSITORY_LEDGER : join(root, "ledger")));
  const paths: StudyPaths = { root, data, ledger };
  const all = studyCells(budget);
  const cells = selectCells(all, values.only?.split(",").map((s) => s.trim()).filter(Boolean));
  const svmLimit = budget.limit ?? 0;
  const command = ["deno task experiments --full", "--root", displayPath(root)].concat(
    budget.epochs ? ["--epochs", String(budget.epochs)] : [],
    budget.limit ? ["--limit", String(budget.limit)] : [],
  ).join(" ");
  const reportDir = values["report-dir"] ?? new URL("../../../docs", import.meta.url).pathname;
  const writeReport = async () => {
    const views = await readViews(all, paths, svmLimit);
    const report = studyReport(views, runPairs(views), {
      paths,
      workers,
      command: `${command} --report-only`,
      generatedAt: new Date().toISOString(),
      chart: "full-study.svg",
    });
    await Deno.mkdir(reportDir, { recursive: true });
    const files = [join(reportDir, "full-study.md"), join(reportDir, "full-study.svg")];
    await Deno.writeTextFile(files[0], report);
    await Deno.writeTextFile(files[1], studyChartSvg(views));
    await formatFiles(files);
    console.error(`wrote ${join(reportDir, "full-study.md")} and full-study.svg`);
  };

  if (values["dry-run"]) {
    const views = await readViews(cells, paths, svmLimit);
    views.forEach(({ cell, state }, i) => {
      const { script, args } = cellCommand(cell, paths, workers);
      console.log(
        `${i + 1}. ${cell.id} [${describeState(cell, state)}]${
          cell.optional ? " (optional)" : ""
        }` +
          `\n   deno run -A training/${script} ${args.join(" ")}`,
      );
    });
    const eta = estimateRemaining(cells, views.map((v) => v.state), workers);
    console.log(`about ${formatHours(eta.seconds)} of training to go (${eta.basis}; an estimate)`);
    return 0;
  }
  if (values["report-only"]) {
    await writeReport();
    return 0;
  }
  await checkData(data);
  const lock = await StudyLock.acquire(root);
  try {
    if (!saved) await writeJsonWhole(recordPath, { data, budget } satisfies StudyRecord);
    if (cells.some((c) => c.model !== "svm" && c.classes === 5)) {
      if (await ensureExpressionSubset(data, subsetDir(root, 5), FIVE_EXPRESSIONS)) {
        console.error(`cut the 5-class data from ${data} into ${subsetDir(root, 5)}`);
      }
    }
    const outcome = await runStudy(cells, {
      paths,
      workers,
      svmLimit,
      runChild: childRunner(lock),
      afterCell: writeReport,
      deadline,
    });
    // After a finished cell the report is already drawn; a stop leaves the running cell's state.
    if (!outcome.complete || outcome.finished.length === 0) await writeReport();
    if (outcome.complete) {
      console.error(`all ${cells.length} cells done`);
      return 0;
    }
    if (outcome.deadlineReached) {
      const { parkedIn } = outcome.deadlineReached;
      console.error(
        `reached --until` +
          (parkedIn ? `; commit ${displayPath(parkedIn)} with the ledger` : "") +
          `; continue with: ${command}`,
      );
      return 0;
    }
    const { stopped } = outcome;
    console.error(`stopped at ${stopped?.cell}; continue with: ${command}`);
    return stopped?.stop ? 130 : stopped?.code || 1;
  } finally {
    await lock.release();
  }
}
