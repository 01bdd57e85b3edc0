/**
 * The app behind a real `Deno.serve` on loopback, called the way people call it: `curl -F` multipart
 * uploads, raw uploads, and the exact curl example from the README's "HTTP API" section.
 */
import { assertAlmostEquals, assertEquals, assertOk } from "../assert.ts";
import { createFaceDetector } from "../../src/detector/mod.ts";
import { type TestApp, tinyApp } from "./helpers.ts";
import { DEFAULT_MODEL_DIR } from "../../src/server/config.ts";

const ROOT = new URL("../../", import.meta.url);
const hasCurl = await new Deno.Command("curl", { args: ["--version"], stdout: "null" }).output()
  .then((o) => o.success, () => false);
if (!hasCurl) console.warn("\n!!! SKIPPED: curl is not installed; the curl tests need it. !!!\n");

/**
 * Serves an app with the real detector on a free loopback port while `fn` runs: the tiny model, or
 * the exported model in `modelDir`.
 */
async function withServer(
  fn: (url: string, t: TestApp) => Promise<void>,
  limits: { maxBodyBytes?: number } = {},
  modelDir?: URL,
): Promise<void> {
  const detector = await createFaceDetector();
  const t = await tinyApp(detector, limits, modelDir);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, t.app.fetch);
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, t);
  } finally {
    await server.shutdown();
    detector.dispose();
    await t.close();
  }
}

/** Runs a shell command line in the repository root and returns its stdout. */
async function sh(line: string): Promise<string> {
  const out = await new Deno.Command("sh", { args: ["-c", line], cwd: ROOT, stderr: "piped" })
    .output();
  const stderr = new TextDecoder().decode(out.stderr);
  assertOk(out.success, `${line} failed: ${stderr}`);
  return new TextDecoder().decode(out.stdout);
}

Deno.test({
  name: "curl -F image=@file uploads work over loopback; bad uploads are 4xx and serving goes on",
  ignore: !hasCurl,
  async fn() {
    await withServer(async (url) => {
      const multipart = JSON.parse(
        await sh(`curl -sS -F image=@tests/e2e/fixtures/face.jpg ${url}/api/predict`),
      );
      assertEquals(multipart.image, { width: 640, height: 480 });
      assertEquals(multipart.faces.length, 1, "the real detector finds the one face");
      const raw = JSON.parse(
        await sh(
          `curl -sS -H 'content-type: image/jpeg' --data-binary @tests/e2e/fixtures/face.jpg ` +
            `${url}/api/predict`,
        ),
      );
      assertEquals(raw.faces, multipart.faces);
      const group = JSON.parse(
        await sh(`curl -sS -F image=@tests/fixtures/photos/group1.jpg ${url}/api/predict`),
      );
      assertEquals(group.faces.length, 3);
      const status = (args: string) => sh(`curl -s -o /dev/null -w '%{http_code}' ${args}`);
      assertEquals(await status(`-F 'image=@README.md;type=text/plain' ${url}/api/predict`), "415");
      assertEquals(await status(`-F photo=@tests/e2e/fixtures/face.jpg ${url}/api/predict`), "400");
      assertEquals(await status(`-X POST ${url}/api/predict`), "400");
      assertEquals(await status(`${url}/healthz`), "200");
    });
  },
});

Deno.test({
  name: "uploads over the body limit get 413 over a real socket, then the server keeps serving",
  ignore: !hasCurl,
  async fn() {
    await withServer(async (url) => {
      const over = await sh(
        `curl -s -w '\\n%{http_code}' -F image=@tests/fixtures/photos/group1.jpg ${url}/api/predict`,
      );
      const [body, code] = over.trim().split("\n");
      assertEquals(code, "413");
      assertEquals(JSON.parse(body).code, "body_too_large");
      const ok = await fetch(`${url}/api/predict`, {
        method: "POST",
        body: await Deno.readFile(new URL("tests/e2e/fixtures/face.jpg", ROOT)),
      });
      assertEquals(ok.status, 200);
      await ok.body?.cancel();
    }, { maxBodyBytes: 100_000 });
  },
});

/** The first curl line of the README's "HTTP API" section and the JSON shown after it. */
async function readmeExample(): Promise<{ command: string; output: Record<string, unknown> }> {
  const readme = await Deno.readTextFile(new URL("README.md", ROOT));
  const section = readme.split(/^## /m).find((s) => s.startsWith("HTTP API"));
  assertOk(section, 'README.md has a "## HTTP API" section');
  const command = /```(?:sh|bash|console)\n(curl [^\n]+)\n```/.exec(section)?.[1];
  assertOk(command, "the section has a curl example in a sh block");
  const json = /```json\n([\s\S]+?)\n```/.exec(section)?.[1];
  assertOk(json, "the section shows the example's JSON output");
  return { command, output: JSON.parse(json) };
}

interface Face {
  box: { x: number; y: number; width: number; height: number };
  emotion: string;
  scores: Record<string, number>;
}

const hasDefaultModel = await Deno.stat(new URL("fer-model.json", DEFAULT_MODEL_DIR)).then(
  () => true,
  () => false,
);

Deno.test({
  name: "the README's curl example works as written and answers as the README shows",
  ignore: !hasCurl,
  async fn() {
    const { command, output } = await readmeExample();
    assertOk(command.includes("http://localhost:8000/"), `example targets the default port`);
    const shownModel = output.model as { version: string };
    await withServer(
      async (url, t) => {
        const actual = JSON.parse(await sh(command.replaceAll("http://localhost:8000", url)));
        assertEquals(Object.keys(actual), Object.keys(output), "same top-level fields");
        assertEquals(actual.image, output.image);
        const shown = output.faces as Face[];
        assertEquals(actual.faces.length, shown.length, "same number of faces");
        // The same model as the README shows: the same answer. Another model (the tiny one before
        // models/default exists, or a retrained one): only the detector's boxes must match.
        const sameModel = t.deps.model.version === shownModel.version;
        if (!sameModel) {
          console.warn(
            `  README shows model ${shownModel.version}, serving ${t.deps.model.name}@` +
              `${t.deps.model.version}: comparing boxes only; refresh the README example`,
          );
        }
        actual.faces.forEach((face: Face, i: number) => {
          assertEquals(Object.keys(face), Object.keys(shown[i]));
          assertEquals(Object.keys(face.scores), Object.keys(shown[i].scores));
          for (const k of ["x", "y", "width", "height"] as const) {
            assertAlmostEquals(face.box[k], shown[i].box[k], 1, `face ${i} box.${k}`);
          }
          if (sameModel) {
            assertEquals(face.emotion, shown[i].emotion);
            for (const [label, p] of Object.entries(shown[i].scores)) {
              assertAlmostEquals(face.scores[label], p, 2e-4, `face ${i} ${label}`);
            }
          }
        });
      },
      {},
      hasDefaultModel ? DEFAULT_MODEL_DIR : undefined,
    );
  },
});
