/**
 * The study's Markdown report (`docs/full-study.md`), drawn from the ledger and the run folders:
 * the seed's table (rows = inputs; columns = SVM, Model A, Model B, default network at 5 and 7
 * classes), the paired tests, Model A and B by epoch, and every cell with its epochs, time per
 * epoch and exact command. Unfinished cells say what they are doing; nothing is filled in that
 * was not measured. The reading (the answer in words) is written by hand in docs/experiments.md.
 *
 * @module
 */
import { isAbsolute, relative } from "node:path";
import { formatP } from "../../compare/format.ts";
import type { EpochRecord } from "../../loop/history.ts";
import type { StudyCell } from "./cells.ts";
import type { PairOutcome } from "./paired.ts";
import { formatUtcMinute } from "./eta.ts";
import { cellCommand } from "./runner.ts";
import { describeState, type StudyPaths } from "./state.ts";
import { accuracyOf, type CellView, COLUMNS, ROWS, slotCells, slotText } from "./view.ts";

/** What the report says about the run besides the cells. */
export interface ReportContext {
  /** The study folder and data, printed once and abbreviated ROOT and DATA in the commands. */
  paths: StudyPaths;
  /** `--workers` of the training cells. */
  workers: 1 | 2;
  /** The command that runs (and resumes) the study. */
  command: string;
  /** When the report was drawn (ISO). */
  generatedAt: string;
  /** Name of the chart file next to the report. */
  chart: string;
}

/** A path as a reader would type it: `~/...` under the home folder, relative under the cwd. */
export function displayPath(path: string): string {
  const home = Deno.env.get("HOME");
  const inCwd = relative(Deno.cwd(), path);
  if (!inCwd.startsWith("..") && !isAbsolute(inCwd)) return inCwd || ".";
  return home && path.startsWith(`${home}/`) ? `~/${path.slice(home.length + 1)}` : path;
}

const pct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}`;
const pts = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x * 100).toFixed(2)}`;

function row(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |`;
}

function table(header: readonly string[], rows: readonly string[][]): string[] {
  return [row(header), row(header.map(() => "---")), ...rows.map(row)];
}

/** The seed's table: inputs x (classifier x classes). */
export function seedLayoutTable(views: readonly CellView[]): string[] {
  const header = ["inputs", ...COLUMNS.flatMap((c) => [5, 7].map((k) => `${c.title} ${k}`))];
  return table(
    header,
    ROWS.map((set) => [
      set.title,
      ...COLUMNS.flatMap((c) => [5, 7].map((k) => slotText(slotCells(views, c.model, set.id, k)))),
    ]),
  );
}

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** The epoch with the best Selection accuracy so far (the first of equals, as training keeps). */
function bestEpoch(history: readonly EpochRecord[]): EpochRecord | undefined {
  return history.reduce<EpochRecord | undefined>(
    (best, h) => (!best || h.valAccuracy > best.valAccuracy ? h : best),
    undefined,
  );
}

function commandOf(cell: StudyCell, context: ReportContext): string {
  const symbolic = { root: "ROOT", data: "DATA" };
  const { script, args } = cellCommand(cell, symbolic, context.workers);
  return `\`deno task ${script === "commands/train.ts" ? "train" : "experiments"} ${
    args.join(" ")
  }\``;
}

/** One line per cell: accuracy, chosen epoch, time, images, state, command. */
export function cellTable(views: readonly CellView[], context: ReportContext): string[] {
  return table(
    ["cell", "PublicTest %", "chosen / epochs", "time", "training images", "state", "command"],
    views.map((view) => {
      const { cell, state } = view;
      const accuracy = accuracyOf(view);
      const shown = accuracy === undefined ? "—" : pct(accuracy);
      if (cell.model === "svm") {
        const svm = state.svm;
        return [
          cell.id,
          shown,
          svm ? `${svm.epochs} solver passes` : "—",
          svm ? `${(svm.seconds / 60).toFixed(1)} min (cell)` : "—",
          svm ? String(svm.trainCount) : "—",
          describeState(cell, state),
          commandOf(cell, context),
        ];
      }
      const h = state.history;
      const best = state.predictions?.epoch ?? bestEpoch(h)?.epoch;
      return [
        cell.id,
        shown,
        `${best ?? "—"} / ${h.length}${h.length < cell.epochs ? ` of ${cell.epochs}` : ""}`,
        h.length ? `${(mean(h.map((e) => e.seconds)) / 60).toFixed(1)} min/epoch` : "—",
        h.length ? String(Math.round(h[0].imagesPerSecond * h[0].seconds)) : "—",
        describeState(cell, state),
        commandOf(cell, context),
      ];
    }),
  );
}

/** Model A and B (the per-epoch cells): Selection and PublicTest accuracy by epoch. */
export function epochTable(views: readonly CellView[]): string[] {
  const perEpoch = views.filter((v) => v.cell.perEpoch);
  const epochs = Math.max(0, ...perEpoch.map((v) => v.state.history.length));
  if (!perEpoch.length || epochs === 0) return ["No epoch of Model A or B has finished yet."];
  const header = ["epoch", ...perEpoch.flatMap((v) => [`${v.cell.id} Selection`, "PublicTest"])];
  const rows = Array.from({ length: epochs }, (_, i) => [
    String(i + 1),
    ...perEpoch.flatMap((v) => {
      const h = v.state.history[i];
      const chosen = v.state.predictions?.epoch === i + 1 ? " (chosen)" : "";
      const test = v.state.epochScores?.find((s) => s.epoch === i + 1);
      return [
        h ? `${pct(h.valAccuracy)}${chosen}` : "",
        test ? pct(test.accuracy) : h ? "not scored yet" : "",
      ];
    }),
  ]);
  return table(header, rows);
}

/** The paired tests: one row per comparison, `—` until both cells are scored. */
export function pairTable(pairs: readonly PairOutcome[]): string[] {
  return table(
    [
      "comparison",
      "A",
      "B",
      "A %",
      "B %",
      "B − A, pt (95% CI)",
      "only A right",
      "only B right",
      "McNemar p",
    ],
    pairs.map((p) => {
      const r = p.result;
      if (!r) return [p.title, p.a.cell.id, p.b.cell.id, "—", "—", "—", "—", "—", "—"];
      return [
        p.title,
        p.a.cell.id,
        p.b.cell.id,
        pct(r.accuracyA),
        pct(r.accuracyB),
        `${pts(r.difference)} (${pts(r.interval.lower)} to ${pts(r.interval.upper)})`,
        String(r.mcnemar.b),
        String(r.mcnemar.c),
        formatP(r.mcnemar.p),
      ];
    }),
  );
}

/** The whole report. */
export function studyReport(
  views: readonly CellView[],
  pairs: readonly PairOutcome[],
  context: ReportContext,
): string {
  const done = views.filter((v) => v.state.phase === "done");
  const running = views.filter((v) => v.state.phase === "training" || v.state.phase === "scoring");
  const { root, data } = context.paths;
  const ledger = context.paths.ledger ? displayPath(context.paths.ledger) : undefined;
  const source = ledger ? `the ledger (\`${ledger}/\`) and the run folders` : "the run folders";
  return [
    "# Full-budget study: raw pixels vs landmarks vs HOG (issue 27)",
    "",
    `_Drawn by \`${context.command}\` from ${source} on ${
      formatUtcMinute(context.generatedAt)
    }; do not edit: run \`deno task experiments --full --report-only\` again. The reading is ` +
    `in [experiments.md](experiments.md#full-budget-study)._`,
    "",
    `**State:** ${done.length} of ${views.length} cells done` +
    (running.length
      ? `; in progress: ${
        running.map((v) => `${v.cell.id} (${describeState(v.cell, v.state)})`).join(", ")
      }`
      : "") +
    ".",
    "",
    "Every CNN cell trains on Training minus the Selection split (10% of each class, seed 2013), " +
    "keeps the epoch with the best Selection accuracy and reads PublicTest once, for the figures " +
    "here (float weights of that epoch). Default network: the shipped recipe without distillation " +
    "(Adam 7e-4, cosine, 1 warm-up epoch, batch 64, keep-prob 0.75, label smoothing 0.1, flip, " +
    "±4 px shift, ±10° rotation, ±10% zoom, batch norm), so cells differ in their inputs only. " +
    "Model A and B: the seed's recipe (`training/config.ts`). SVM: linear, one-vs-rest, C 0.1, " +
    "all of Training, as `deno task experiments` runs it.",
    "",
    "## PublicTest accuracy (%)",
    "",
    ...seedLayoutTable(views),
    "",
    "Two figures: seeds 42 / 43. n/a: not part of the study. —: not started. " +
    "Epochs, time per epoch and the command of each cell: [Cells](#cells).",
    "",
    `![PublicTest accuracy by inputs and classifier](${context.chart})`,
    "",
    "## Paired tests on PublicTest",
    "",
    "B against A on the same PublicTest images: McNemar's exact two-sided test on the images " +
    "only one of them gets right, and a paired-bootstrap 95% interval of the difference " +
    "(2000 resamples, seed 2013), on each cell's answer per image" +
    (ledger ? ` as recorded in \`${ledger}/ID.json\`` : "") +
    ". While both run folders exist, `deno task compare --pairs ROOT/cells/A/publictest.json " +
    "ROOT/cells/B/publictest.json` gives the same figures with per-class recalls.",
    "",
    ...pairTable(pairs),
    "",
    "## Model A and Model B by epoch",
    "",
    "Selection: what the epoch is chosen on; PublicTest: read from each epoch's kept weights " +
    "(`--keep-epochs`) after the run, or before it is parked at a session's end, for this " +
    "table only.",
    "",
    ...epochTable(views),
    "",
    "## Cells",
    "",
    `ROOT = \`${displayPath(root)}\`, DATA = \`${
      displayPath(data)
    }\` (7 classes; the 5-class cells train on ` +
    "`ROOT/data-5`, cut from it). Time: the training part of an epoch (Selection scoring " +
    "not counted); for SVM cells the whole cell. Resume everything: " +
    `\`${context.command.replace(" --report-only", "")}\`` +
    (ledger ? ` (a cell parked at a session's end continues from \`${ledger}/parked/ID/\`)` : "") +
    ".",
    "",
    ...cellTable(views, context),
    "",
  ].join("\n");
}
