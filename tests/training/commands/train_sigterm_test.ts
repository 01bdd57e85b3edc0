import { join } from "node:path";
import { FER_EMOTIONS } from "../../../src/face.ts";
import { assertEquals, assertOk } from "../../assert.ts";
import { withTempDir } from "../../temp_dir.ts";
import { syntheticSplit, writeSyntheticPrepared } from "../synthetic.ts";

// A session that ends, or `experiments --full` passing a stop on, sends SIGTERM: the run must
// stop as on Ctrl-C, with the position inside the epoch saved for --resume.
Deno.test("deno task train stops cleanly on SIGTERM and saves its place in the epoch", async () => {
  await withTempDir("fer-sigterm-", async (dir) => {
    const data = join(dir, "data");
    const run = join(dir, "run");
    await writeSyntheticPrepared(
      data,
      [syntheticSplit("Training", 3000, 7, 1), syntheticSplit("PublicTest", 70, 7, 2)],
      [...FER_EMOTIONS],
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        ...["run", "-A", "--config", new URL("../../../deno.json", import.meta.url).pathname],
        new URL("../../../training/commands/train.ts", import.meta.url).pathname,
        ...["--data", data, "--run-dir", run, "--width", "0.25", "--epochs", "1"],
        ...["--batch-size", "8", "--no-augment"],
      ],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    // The bar's first line comes after the first batch, once the listeners are in place.
    let log = "";
    const decoder = new TextDecoder();
    const reader = child.stderr.getReader();
    while (!log.includes("epoch 1/1 [")) {
      const { value, done } = await reader.read();
      if (done) break;
      log += decoder.decode(value);
    }
    child.kill("SIGTERM");
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      log += decoder.decode(r.value);
    }
    const status = await child.status;
    assertEquals(status.code, 130, log);
    assertOk(log.includes("checkpoint saved"), log);
    const state = JSON.parse(await Deno.readTextFile(join(run, "checkpoint", "state.json")));
    assertEquals(state.epoch, 0);
    assertOk(state.batchInEpoch >= 1 && state.batchInEpoch < 338, `batch ${state.batchInEpoch}`);
  });
});
