/**
 * The work behind `deno task make:set --out DIR --member DIR [--member DIR ...]`: assembles a model set folder
 * (`src/model/set.ts`) from exported model folders. Each member's `model.json`, weight shards and
 * `fer-model.json` are copied into `OUT/<member folder name>/` (charts and histories are left
 * out), and `OUT/fer-model.json` lists them with their weights, so the folder is self-contained:
 * the server (`MODEL_DIR=OUT`), the page, Deno Deploy, `predict`, `evaluate` and `compare` take it
 * as it is. The set starts uncalibrated: `deno task calibrate --model OUT` fits its temperature on
 * the mean (a member's own temperature is not used).
 *
 * Members with other labels (or label order), another input size, or that are sets themselves are
 * refused before anything is written. The new folder is built beside `OUT` and moved into place,
 * so `--force` may replace a folder that is itself one of the members (e.g. `models/default`).
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import { readModelFolder } from "../src/model/io.ts";
import { FER_MODEL_METADATA_FILE, type FerModelMetadata } from "../src/model/metadata.ts";
import { checkSetMembers, type FerSetMetadata, isMemberPath } from "../src/model/set.ts";
import { modelVersion } from "../src/classifier/load.ts";

/** One member to copy in. */
export interface SetMemberSource {
  /** Its exported model folder. */
  dir: string;
  /** Its weight (default 1). */
  weight?: number;
}

/** Inputs of {@link makeModelSet}. */
export interface MakeSetOptions {
  /** The set folder to write. */
  out: string;
  /** The members, in averaging order. */
  members: readonly SetMemberSource[];
  /** Name of the set (default: `out`'s folder name). */
  name?: string;
  /** Replace `out` when it exists. */
  force?: boolean;
  /** Assembly time (default now). */
  now?: Date;
}

/** What {@link makeModelSet} wrote. */
export interface MadeSet {
  /** The set's `fer-model.json`. */
  metadata: FerSetMetadata;
  /** Its version (`modelVersion`). */
  version: string;
  /** Bytes of the members' weight shards. */
  weightBytes: number;
  /** Bytes of the members' `model.json` plus shards (their `sizeBytes`). */
  sizeBytes: number;
}

/** Unique subfolder names from the members' folder names (`default`, `default-2`, ...). */
function memberPaths(dirs: readonly string[]): string[] {
  const used = new Set<string>();
  return dirs.map((dir) => {
    const base = basename(resolve(dir)).replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^[.-]+/, "");
    const stem = isMemberPath(base) ? base : "member";
    let path = stem;
    for (let n = 2; used.has(path); n++) path = `${stem}-${n}`;
    used.add(path);
    return path;
  });
}

/** Files of one exported model: `model.json`, its weight shards and `fer-model.json`. */
async function modelFiles(dir: string): Promise<string[]> {
  const manifest = JSON.parse(await Deno.readTextFile(join(dir, "model.json"))) as {
    weightsManifest?: { paths: string[] }[];
  };
  const shards = (manifest.weightsManifest ?? []).flatMap((g) => g.paths);
  if (!shards.every((p) => isMemberPath(p))) {
    throw new Error(
      `${dir}/model.json names weight files outside its folder: ${shards.join(", ")}`,
    );
  }
  return ["model.json", ...shards, FER_MODEL_METADATA_FILE];
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** Assembles the set folder `options.out` from `options.members`; see the module notes. */
export async function makeModelSet(options: MakeSetOptions): Promise<MadeSet> {
  if (options.members.length === 0) throw new Error("a model set needs at least one --member");
  const out = resolve(options.out);
  if (await exists(out) && !options.force) {
    throw new Error(`${options.out} exists; pass --force to replace it`);
  }
  const read: { dir: string; path: string; weight: number; metadata: FerModelMetadata }[] = [];
  const paths = memberPaths(options.members.map((m) => m.dir));
  for (const [i, m] of options.members.entries()) {
    const weight = m.weight ?? 1;
    if (!(Number.isFinite(weight) && weight > 0)) {
      throw new Error(`--weight for ${m.dir} must be a number > 0, got ${m.weight}`);
    }
    const folder = await readModelFolder(m.dir);
    if (folder.kind === "set") {
      throw new Error(`${m.dir} is itself a model set; give its members instead`);
    }
    read.push({ dir: m.dir, path: paths[i], weight, metadata: folder.metadata });
  }
  const name = options.name ?? basename(out);
  const metadata: FerSetMetadata = {
    formatVersion: 1,
    kind: "set",
    name,
    architecture: `set of ${read.length}: ${
      // By folder: members fine-tuned from one model often share its name.
      read.map((m) => `${m.path} (${m.metadata.name}, weight ${m.weight})`).join(" + ")}`,
    labels: [...read[0].metadata.labels],
    members: read.map((m) => ({ path: m.path, weight: m.weight })),
    exportedAt: (options.now ?? new Date()).toISOString(),
  };
  checkSetMembers(metadata, read, options.out);
  // Built beside OUT, then moved in: OUT itself may be a member being read.
  await Deno.mkdir(dirname(out), { recursive: true });
  const staging = await Deno.makeTempDir({ dir: dirname(out), prefix: `.${basename(out)}-` });
  let weightBytes = 0;
  try {
    for (const m of read) {
      await Deno.mkdir(join(staging, m.path));
      for (const file of await modelFiles(m.dir)) {
        await Deno.copyFile(join(m.dir, file), join(staging, m.path, file));
        if (file !== "model.json" && file !== FER_MODEL_METADATA_FILE) {
          weightBytes += (await Deno.stat(join(m.dir, file))).size;
        }
      }
    }
    await Deno.writeTextFile(
      join(staging, FER_MODEL_METADATA_FILE),
      JSON.stringify(metadata, null, 2) + "\n",
    );
    if (await exists(out)) {
      const old = `${staging}.old`;
      await Deno.rename(out, old);
      await Deno.rename(staging, out);
      await Deno.remove(old, { recursive: true });
    } else await Deno.rename(staging, out);
  } catch (error) {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    throw error;
  }
  return {
    metadata,
    version: await modelVersion(out),
    weightBytes,
    sizeBytes: read.reduce((n, m) => n + m.metadata.sizeBytes, 0),
  };
}
