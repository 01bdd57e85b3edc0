/**
 * A terminal progress bar with rate and ETA, for long-running CLI work (data conversion, training
 * epochs, benchmarks). Redraws in place on a TTY and prints occasional plain lines otherwise, so CI
 * logs stay readable.
 *
 * @module
 */

/** Options for {@link ProgressBar}. */
export interface ProgressBarOptions {
  /** Total number of units; the bar shows a percentage and ETA only when it is known. */
  total?: number;
  /** Label printed before the bar. */
  label?: string;
  /** Name of one unit in the rate, e.g. `"rows"` or `"img"`. */
  unit?: string;
  /** Where to write; defaults to stderr so that stdout stays machine-readable. */
  writer?: { writeSync(p: Uint8Array): number; isTerminal?(): boolean };
  /** Minimum milliseconds between redraws. */
  intervalMs?: number;
  /**
   * Units already done before this bar started (e.g. the batches of a resumed epoch): the bar
   * starts there, and the rate and ETA count only the units done since.
   */
  initial?: number;
}

const encoder = new TextEncoder();
const BAR_WIDTH = 28;

/** Formats seconds as `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/** A progress bar: call {@link ProgressBar.update} as work completes and {@link ProgressBar.done} at the end. */
export class ProgressBar {
  #total?: number;
  #label: string;
  #unit: string;
  #writer: NonNullable<ProgressBarOptions["writer"]>;
  #tty: boolean;
  #intervalMs: number;
  #start = performance.now();
  #lastDraw = -Infinity; // the first update draws at once
  #value: number;
  #initial: number;
  #suffix = "";

  /** Creates a bar; nothing is drawn until the first update. */
  constructor(options: ProgressBarOptions = {}) {
    this.#total = options.total;
    this.#label = options.label ?? "";
    this.#unit = options.unit ?? "it";
    this.#writer = options.writer ?? Deno.stderr;
    this.#tty = this.#writer.isTerminal?.() ?? false;
    this.#intervalMs = options.intervalMs ?? (this.#tty ? 100 : 10_000);
    this.#initial = options.initial ?? 0;
    this.#value = this.#initial;
  }

  /** Units completed so far. */
  get value(): number {
    return this.#value;
  }

  /** Seconds since the bar was created. */
  get elapsedSeconds(): number {
    return (performance.now() - this.#start) / 1000;
  }

  /** Units per second since the bar was created (units counted in `initial` excluded). */
  get rate(): number {
    const elapsed = this.elapsedSeconds;
    return elapsed > 0 ? (this.#value - this.#initial) / elapsed : 0;
  }

  /** Sets the completed count (absolute) and an optional suffix such as `loss 1.23`. */
  update(value: number, suffix?: string): void {
    this.#value = value;
    if (suffix !== undefined) this.#suffix = suffix;
    const now = performance.now();
    if (now - this.#lastDraw >= this.#intervalMs) {
      this.#lastDraw = now;
      this.#draw(false);
    }
  }

  /** Adds `delta` units. */
  tick(delta = 1, suffix?: string): void {
    this.update(this.#value + delta, suffix);
  }

  /** Draws the final state and ends the line. */
  done(suffix?: string): void {
    if (suffix !== undefined) this.#suffix = suffix;
    this.#draw(true);
  }

  /** The text of the bar as it would be drawn now (without control characters). */
  render(): string {
    const rate = this.rate;
    const parts: string[] = [];
    if (this.#label) parts.push(this.#label);
    if (this.#total !== undefined && this.#total > 0) {
      const fraction = Math.min(1, this.#value / this.#total);
      const filled = Math.round(fraction * BAR_WIDTH);
      parts.push(`[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}]`);
      parts.push(`${this.#value}/${this.#total}`);
      parts.push(`${(fraction * 100).toFixed(0)}%`);
      const remaining = rate > 0 ? (this.#total - this.#value) / rate : NaN;
      parts.push(`ETA ${formatDuration(remaining)}`);
    } else {
      parts.push(String(this.#value));
    }
    parts.push(`${rate >= 100 ? rate.toFixed(0) : rate.toFixed(1)} ${this.#unit}/s`);
    parts.push(formatDuration(this.elapsedSeconds));
    if (this.#suffix) parts.push(this.#suffix);
    return parts.join(" ");
  }

  #draw(final: boolean): void {
    const text = this.render();
    const line = this.#tty ? `\r\x1b[2K${text}${final ? "\n" : ""}` : `${text}\n`;
    this.#writer.writeSync(encoder.encode(line));
  }
}
