/**
 * The layout's rule (`docs/architecture.md`), checked on the source itself: the core (`src/`)
 * imports none of the wings, no modules import each other in a circle, and no source file grows
 * past 400 lines. The import graph comes from the relative specifiers of every module's static and
 * dynamic imports, type-only imports included: a type import is still a
 * dependency a reader has to follow.
 *
 * @module
 */
import { assertEquals, assertOk } from "./assert.ts";

const ROOT = new URL("../", import.meta.url);

/** Folders (and files) of source code, repository-relative; tests and vendored files excluded. */
const SOURCE_ROOTS = ["main.ts", "src", "routes", "static/js", "cli", "term", "tools", "training"];

/** Folders the core must not import: the HTTP wing, the training wing and the command lines. */
const WINGS = ["routes/", "training/", "cli/", "term/", "tools/"];

/**
 * Core modules still allowed to import a wing, each with the reason. `src/server/app.ts` composes
 * the routes; issue 26 moves that composition out of `src/` (the HTTP helper's branch), and this
 * entry goes with it.
 */
const MAX_LINES = 400;

/** Repository-relative paths of the `.ts` / `.js` files under `SOURCE_ROOTS`. */
async function sourceFiles(): Promise<string[]> {
  const files: string[] = [];
  const walk = async (path: string): Promise<void> => {
    const info = await Deno.stat(new URL(path, ROOT));
    if (info.isFile) {
      if (/\.(ts|js)$/.test(path)) files.push(path);
      return;
    }
    for await (const entry of Deno.readDir(new URL(`${path}/`, ROOT))) {
      await walk(`${path}/${entry.name}`);
    }
  };
  for (const root of SOURCE_ROOTS) await walk(root);
  return files.sort();
}

/** `path` with `.` and `..` segments resolved (may start with `..` when it leaves the root). */
function normalize(path: string): string {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "..") out.length && out.at(-1) !== ".." ? out.pop() : out.push("..");
    else if (segment !== "." && segment !== "") out.push(segment);
  }
  return out.join("/");
}

/**
 * The repository-relative modules `source` (the text of `file`) imports through relative
 * specifiers: `import ... from`, `export ... from` and side-effect `import "..."` statements, and
 * literal `import("...")` calls. Statements are recognised at the start of a line and calls outside
 * comment lines, so a JSDoc example (` * import ...`) is not a dependency.
 */
function relativeImports(file: string, source: string): string[] {
  const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : "";
  const code = source.split("\n").filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line)).join("\n");
  const patterns = [
    /^\s*(?:import|export)\b[^;()=]*?\bfrom\s*["'](\.{1,2}\/[^"']+)["']/gm,
    /^\s*import\s*["'](\.{1,2}\/[^"']+)["']/gm,
    /\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g,
  ];
  const found = patterns.flatMap((re) =>
    [...code.matchAll(re)].map((m) => ({ at: m.index, s: m[1] }))
  );
  found.sort((a, b) => a.at - b.at);
  return [...new Set(found.map(({ s }) => normalize(`${dir}/${s}`)))];
}

/** Import graph of the source files: file -> the files it imports. */
async function importGraph(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const file of await sourceFiles()) {
    graph.set(file, relativeImports(file, await Deno.readTextFile(new URL(file, ROOT))));
  }
  return graph;
}

/** The strongly connected components of more than one module (Tarjan), i.e. the import circles. */
function importCycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

Deno.test("the import parser: relative specifiers of every import form, comments ignored", () => {
  const source = [
    '/** ```ts\n * import { x } from "./example.ts";\n * ``` */',
    'import { a } from "./a.ts";',
    'import type { B } from "../b.ts";',
    'import "./side_effect.js";',
    'export { c } from "./c/mod.ts";',
    'export * from "./a.ts";',
    'const d = await import("../../d.ts");',
    '// const e = await import("./commented.ts");',
    "export function f(): string {",
    "  return \"from './not_an_import.ts'\";",
    "}",
    'import * as tf from "@tensorflow/tfjs";',
    'const url = "https://example.org/x.ts"; // not an import either',
  ].join("\n");
  assertEquals(relativeImports("src/image/x.ts", source), [
    "src/image/a.ts",
    "src/b.ts",
    "src/image/side_effect.js",
    "src/image/c/mod.ts",
    "d.ts",
  ]);
  const cyclic = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a", "d"]], ["d", []]]);
  assertEquals(importCycles(cyclic), [["a", "b", "c"]]);
  assertEquals(importCycles(new Map([["a", ["b"]], ["b", []]])), []);
});

Deno.test("no module under src/ imports routes/, training/, cli/, term/ or tools/", async () => {
  const graph = await importGraph();
  assertOk([...graph.keys()].filter((f) => f.startsWith("src/")).length > 50, "src/ was read");
  const violations = [...graph].filter(([file]) => file.startsWith("src/"))
    .flatMap(([file, imports]) =>
      imports.filter((to) => WINGS.some((w) => to.startsWith(w))).map((to) => `${file} -> ${to}`)
    );
  assertEquals(violations, [], "the core imports a wing");
});

Deno.test("no import circles among the source modules", async () => {
  const graph = await importGraph();
  const missing = [...graph].flatMap(([file, imports]) =>
    imports.filter((to) => /\.(ts|js)$/.test(to) && !to.startsWith("..") && !graph.has(to))
      .filter((to) => !to.startsWith("tests/") && !to.startsWith("static/vendor/"))
      .map((to) => `${file} -> ${to}`)
  );
  assertEquals(missing, [], "imports of source files the walk did not find");
  assertEquals(importCycles(graph), [], "modules that import each other");
});

Deno.test(`no source file is over ${MAX_LINES} lines`, async () => {
  const long: string[] = [];
  for (const file of await sourceFiles()) {
    const lines = (await Deno.readTextFile(new URL(file, ROOT))).trimEnd().split("\n").length;
    if (lines > MAX_LINES) long.push(`${file}: ${lines} lines`);
  }
  assertEquals(long, []);
});
