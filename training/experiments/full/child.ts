/**
 * The study's child processes and its lock. Each cell runs as `deno run -A training/SCRIPT`, the
 * same CLI a user would call, one at a time. While a child runs, Ctrl-C and SIGTERM are passed to
 * it as SIGTERM (`deno task train` then finishes its batch, saves its checkpoint and exits; a
 * terminal's Ctrl-C reaches it directly as well, which it counts once) and this process waits for
 * it, so a stop always leaves a resumable run folder; a child given a deadline is stopped the same
 * way when it comes. The lock file keeps a second study process, or a new one next to a training
 * orphaned by a killed driver, out of the same root.
 *
 * @module
 */
import { join } from "node:path";

/**
 * How a child ended: its exit code, and what asked it to stop, if anything did: a signal to the
 * study, or the deadline it was given.
 */
export interface ChildOutcome {
  code: number;
  stop?: "SIGINT" | "SIGTERM" | "deadline";
}

/** Options of one child. */
export interface ChildOptions {
  /** At this time the child is asked to stop (SIGTERM), as `--until` asks of a training. */
  deadline?: Date;
}

/** Runs `deno run -A training/SCRIPT ARGS...`; tests substitute one. */
export type ChildRunner = (
  script: string,
  args: string[],
  options?: ChildOptions,
) => Promise<ChildOutcome>;

const LOCK_FILE = "study.lock";

/** The lock's contents: the study process and its current child. */
interface LockRecord {
  pid: number;
  child?: number;
}

/** Whether `pid` is a live deno process (read from /proc; false where there is none). */
function isLiveDeno(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`).includes("deno");
  } catch {
    return false;
  }
}

/** The study's lock on `root`; {@link StudyLock.acquire} refuses while another holds it. */
export class StudyLock {
  #path: string;
  #record: LockRecord;

  private constructor(path: string, record: LockRecord) {
    this.#path = path;
    this.#record = record;
  }

  /** Takes the lock, or throws naming the live process (the study or its child) that holds it. */
  static async acquire(root: string): Promise<StudyLock> {
    await Deno.mkdir(root, { recursive: true });
    const path = join(root, LOCK_FILE);
    let held: LockRecord | undefined;
    try {
      held = JSON.parse(await Deno.readTextFile(path));
    } catch {
      held = undefined;
    }
    for (const pid of [held?.pid, held?.child]) {
      if (pid !== Deno.pid && isLiveDeno(pid)) {
        throw new Error(
          `process ${pid} is still working in ${root} (${path}); wait for it or stop it first`,
        );
      }
    }
    const lock = new StudyLock(path, { pid: Deno.pid });
    await lock.#write();
    return lock;
  }

  /** Records the child now running (or none). */
  async setChild(pid: number | undefined): Promise<void> {
    this.#record = { pid: Deno.pid, ...(pid ? { child: pid } : {}) };
    await this.#write();
  }

  /** Gives the lock up. */
  async release(): Promise<void> {
    await Deno.remove(this.#path).catch(() => {});
  }

  async #write(): Promise<void> {
    await Deno.writeTextFile(this.#path, JSON.stringify(this.#record) + "\n");
  }
}

/**
 * The default {@link ChildRunner}: spawns the script with the project's deno.json, inherits the
 * terminal, passes a stop on as SIGTERM (at its deadline too) and waits for the child to exit.
 */
export function childRunner(lock?: StudyLock): ChildRunner {
  return async (script, args, options = {}) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--config",
        new URL("../../../deno.json", import.meta.url).pathname,
        new URL(`../../${script}`, import.meta.url).pathname,
        ...args,
      ],
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
    await lock?.setChild(child.pid);
    let stop: ChildOutcome["stop"];
    const forward = (signal: NonNullable<ChildOutcome["stop"]>) => () => {
      const why = signal === "deadline" ? "--until reached" : signal;
      if (!stop) console.error(`\n${why}: waiting for the current cell to save and exit...`);
      stop ??= signal;
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
    };
    const listeners = { SIGINT: forward("SIGINT"), SIGTERM: forward("SIGTERM") } as const;
    for (const [name, fn] of Object.entries(listeners)) {
      Deno.addSignalListener(name as Deno.Signal, fn);
    }
    const timer = options.deadline
      // Capped at setTimeout's largest delay (~24 days), far beyond any cell.
      ? setTimeout(
        forward("deadline"),
        Math.min(2 ** 31 - 1, Math.max(0, options.deadline.getTime() - Date.now())),
      )
      : undefined;
    try {
      const status = await child.status;
      return { code: status.code, stop };
    } finally {
      clearTimeout(timer);
      for (const [name, fn] of Object.entries(listeners)) {
        Deno.removeSignalListener(name as Deno.Signal, fn);
      }
      await lock?.setChild(undefined);
    }
  };
}
