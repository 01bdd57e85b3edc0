/**
 * A clean stop for long commands: Ctrl-C or SIGTERM aborts a signal the work checks between steps
 * (training saves its checkpoint and exits); a second Ctrl-C gives up at once with exit code 130.
 *
 * @module
 */

/** What {@link stopOnSignals} installed. */
export interface StopSignals {
  /** Aborted by the first Ctrl-C or any SIGTERM. */
  signal: AbortSignal;
  /** Removes the listeners. */
  release(): void;
}

/**
 * Listens for SIGINT and SIGTERM until {@link StopSignals.release}. SIGTERM (a session ending, a
 * parent passing a stop on) always stops cleanly, also after a Ctrl-C: only a second Ctrl-C gives
 * up the clean stop. `what` names it in the message, e.g. "this batch".
 */
export function stopOnSignals(what: string): StopSignals {
  const controller = new AbortController();
  let interrupts = 0;
  const onInterrupt = () => {
    console.error(`\nstopping after ${what} (Ctrl-C again to abort without saving)...`);
    if (++interrupts > 1) Deno.exit(130);
    controller.abort();
  };
  const onTerminate = () => {
    console.error(`\nSIGTERM: stopping after ${what}...`);
    controller.abort();
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  Deno.addSignalListener("SIGTERM", onTerminate);
  return {
    signal: controller.signal,
    release: () => {
      Deno.removeSignalListener("SIGINT", onInterrupt);
      Deno.removeSignalListener("SIGTERM", onTerminate);
    },
  };
}
