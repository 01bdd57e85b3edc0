/**
 * The README and docs/ stay true to the repository: every relative link (and `#anchor`) resolves, the
 * README stays a short user's page, its quick start runs the test command CI runs, and its task table
 * names every `deno task`. The README's curl example is checked against a real server in
 * `tests/server/loopback_test.ts`.
 *
 * @module
 */
import { assertEquals, assertOk } from "./assert.ts";
import { withTempDir } from "./temp_dir.ts";

const ROOT = new URL("../", import.meta.url);
const README_MAX_LINES = 200;

/** README.md and every Markdown page under docs/, as repository-relative paths. */
async function markdownPages(): Promise<string[]> {
  const pages = ["README.md"];
  for await (const entry of Deno.readDir(new URL("docs/", ROOT))) {
    if (entry.isFile && entry.name.endsWith(".md")) pages.push(`docs/${entry.name}`);
  }
  return pages.sort();
}

/** The page's lines outside fenced code blocks, with their 1-based line numbers. */
function proseLines(markdown: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fenced = false;
  markdown.split("\n").forEach((text, i) => {
    if (/^\s*```/.test(text)) fenced = !fenced;
    else if (!fenced) out.push({ line: i + 1, text: text.replace(/`[^`]*`/g, "``") });
  });
  return out;
}

/**
 * GitHub's anchor for each heading: lower case, punctuation dropped, spaces to hyphens, and `-1`,
 * `-2`, ... for repeats. Headings inside code blocks (shell comments) are not headings.
 */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = heading[1].replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "").trim().replace(/\s/g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** Relative link targets in a page's prose: `[text](target)`, not URLs with a scheme. */
function relativeLinks(markdown: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = [];
  for (const { line, text } of proseLines(markdown)) {
    for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(m[1])) links.push({ line, target: m[1] });
    }
  }
  return links;
}

/** Where each dead relative link in `page` (under `root`) points, as `page:line -> target (why)`. */
async function deadLinks(page: string, root = ROOT): Promise<string[]> {
  const pageUrl = new URL(page, root);
  const dead: string[] = [];
  for (const { line, target } of relativeLinks(await Deno.readTextFile(pageUrl))) {
    const [path, anchor] = target.split("#", 2);
    const url = path === "" ? pageUrl : new URL(path, pageUrl);
    const stat = await Deno.stat(url).catch(() => null);
    if (!stat) {
      dead.push(`${page}:${line} -> ${target} (no such file)`);
    } else if (anchor !== undefined && stat.isFile && url.pathname.endsWith(".md")) {
      const anchors = headingAnchors(await Deno.readTextFile(url));
      if (!anchors.has(decodeURIComponent(anchor))) {
        dead.push(`${page}:${line} -> ${target} (no such heading)`);
      }
    }
  }
  return dead;
}

Deno.test("every relative link in README.md and docs/*.md resolves, anchors included", async () => {
  const pages = await markdownPages();
  assertOk(pages.length > 1, "docs/ has pages");
  const dead = (await Promise.all(pages.map((page) => deadLinks(page)))).flat();
  assertEquals(dead, [], `dead links:\n${dead.join("\n")}`);
});

Deno.test("the link check itself: a missing file or heading is dead, code is not a link", async () => {
  const page = "# Title\n\n## `deno task train`\n\n```sh\n# not a heading\n```\n";
  assertEquals([...headingAnchors(page)], ["title", "deno-task-train"]);
  assertEquals(relativeLinks("[a](x.md#y) [b](https://e.org) `[c](z.md)` [d](#title)"), [
    { line: 1, target: "x.md#y" },
    { line: 1, target: "#title" },
  ]);
  await withTempDir("docs_test_", async (dir) => {
    await Deno.mkdir(`${dir}/docs`);
    await Deno.writeTextFile(`${dir}/docs/b.md`, page);
    await Deno.writeTextFile(
      `${dir}/a.md`,
      "[ok](docs/b.md#deno-task-train) [ok](docs/) [ok](#top)\n# Top\n" +
        "[gone](docs/c.md)\n[no heading](docs/b.md#not-a-heading)\n",
    );
    assertEquals(await deadLinks("a.md", new URL(`file://${dir}/`)), [
      "a.md:3 -> docs/c.md (no such file)",
      "a.md:4 -> docs/b.md#not-a-heading (no such heading)",
    ]);
  });
});

Deno.test("README.md is a short user's page that links every docs/ page", async () => {
  const readme = await Deno.readTextFile(new URL("README.md", ROOT));
  const lines = readme.trimEnd().split("\n").length;
  assertOk(lines <= README_MAX_LINES, `README.md has ${lines} lines (at most ${README_MAX_LINES})`);
  const linked = new Set(relativeLinks(readme).map((l) => l.target.split("#")[0]));
  const unlinked = (await markdownPages()).filter((p) => p !== "README.md" && !linked.has(p));
  assertEquals(unlinked, [], "docs pages the README does not link");
});

Deno.test("the README's quick start runs the same test command as .ci/run", async () => {
  const readme = await Deno.readTextFile(new URL("README.md", ROOT));
  const quickStart = readme.split(/^## /m).find((s) => s.startsWith("Quick start"));
  assertOk(quickStart, 'README.md has a "## Quick start" section');
  const commands = [...quickStart.matchAll(/^(npx -y deno@2 task \S+)/gm)].map((m) => m[1]);
  const ci = await Deno.readTextFile(new URL(".ci/run", ROOT));
  const ciTest = /^(npx -y deno@2 task \S+)\s*$/m.exec(ci)?.[1];
  assertOk(ciTest, ".ci/run runs a deno task through npx");
  assertEquals(commands, ["npx -y deno@2 task start", ciTest]);
});

Deno.test("the README's task table names every task in deno.json", async () => {
  const readme = await Deno.readTextFile(new URL("README.md", ROOT));
  const tasks = Object.keys(
    JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))).tasks as Record<string, string>,
  );
  const tabled = new Set(
    [...readme.matchAll(/^\| `deno task ([^`\s]+)`/gm)].map((m) => m[1]),
  );
  assertEquals(tasks.filter((t) => !tabled.has(t)), [], "tasks missing from the README's table");
});
