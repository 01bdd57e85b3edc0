/**
 * Resident memory of a process, read from Linux's `/proc`: by process id, or for the process
 * listening on a loopback port (so a fuzz run against `--target http://127.0.0.1:PORT` can follow the
 * server's memory without being told its id).
 *
 * @module
 */

/**
 * Resident set size of process `pid` in bytes (`VmRSS`), or `undefined` when it cannot be read
 * (Deno lets a program read `/proc/PID/status` only with `--allow-all`).
 */
export function rssOfPid(pid: number): number | undefined {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const kb = status.match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** Socket inodes listening on TCP `port` (IPv4 and IPv6), from `/proc/net/tcp*`. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = Deno.readTextFileSync(table);
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // Fields: sl, local_address, rem_address, st, ..., inode (10th); 0A is LISTEN.
      if (fields.length > 9 && fields[1].endsWith(`:${hexPort}`) && fields[3] === "0A") {
        inodes.add(fields[9]);
      }
    }
  }
  return inodes;
}

/**
 * The id of the process listening on TCP `port`, or `undefined` when none of this user's processes
 * is (or `/proc` is not there).
 */
export function pidListeningOn(port: number): number | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      for (const fd of Deno.readDirSync(`/proc/${entry.name}/fd`)) {
        const link = Deno.readLinkSync(`/proc/${entry.name}/fd/${fd.name}`);
        const inode = link.match(/^socket:\[(\d+)\]$/)?.[1];
        if (inode && inodes.has(inode)) return Number(entry.name);
      }
    } catch {
      // Another user's process, or one that just exited.
    }
  }
  return undefined;
}

/** Start, end and peak of a series of RSS samples, in bytes. */
export interface RssTrack {
  start?: number;
  end?: number;
  max?: number;
  /** Every sample, with its time in ms since the first. */
  samples: { ms: number; bytes: number }[];
}

/** A recorder of RSS samples from `read` (undefined samples are skipped). */
export function rssTracker(read: () => number | undefined): { sample(): void; track: RssTrack } {
  const track: RssTrack = { samples: [] };
  const t0 = performance.now();
  return {
    track,
    sample() {
      const bytes = read();
      if (bytes === undefined) return;
      track.start ??= bytes;
      track.end = bytes;
      track.max = Math.max(track.max ?? 0, bytes);
      track.samples.push({ ms: Math.round(performance.now() - t0), bytes });
    },
  };
}

/** Bytes as MB with one decimal, or `?` when unknown. */
export function mb(bytes: number | undefined): string {
  return bytes === undefined ? "?" : `${(bytes / 1e6).toFixed(1)} MB`;
}
