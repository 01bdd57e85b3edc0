import { assertEquals, assertOk } from "../assert.ts";
import { formatDuration, ProgressBar } from "../../term/progress.ts";

/** A writer that keeps what the bar prints, as a non-terminal does. */
function captureWriter() {
  const lines: string[] = [];
  const decoder = new TextDecoder();
  return {
    lines,
    writeSync(p: Uint8Array) {
      lines.push(decoder.decode(p));
      return p.length;
    },
    isTerminal: () => false,
  };
}

Deno.test("formatDuration writes m:ss and h:mm:ss, and --:-- when unknown", () => {
  assertEquals(formatDuration(0), "0:00");
  assertEquals(formatDuration(75.4), "1:15");
  assertEquals(formatDuration(3723), "1:02:03");
  assertEquals(formatDuration(NaN), "--:--");
  assertEquals(formatDuration(-1), "--:--");
});

Deno.test("the bar shows count, percentage, label and suffix", () => {
  const writer = captureWriter();
  const bar = new ProgressBar({ total: 200, label: "epoch 1/3", unit: "img", writer });
  bar.update(50, "loss 1.234");
  const text = bar.render();
  assertOk(text.startsWith("epoch 1/3 [#######.....................] 50/200 25% ETA "), text);
  assertOk(text.includes(" img/s "), text);
  assertOk(text.endsWith(" loss 1.234"), text);
  bar.done();
  assertEquals(writer.lines.length, 2); // the first update and done(): the interval is 10 s
  assertOk(writer.lines.every((line) => line.endsWith("\n") && !line.includes("\x1b")));
});

Deno.test("a resumed bar starts at its initial count and rates only the work done since", async () => {
  const writer = captureWriter();
  const bar = new ProgressBar({ total: 1000, unit: "img", writer, initial: 900 });
  assertEquals(bar.value, 900);
  assertEquals(bar.rate, 0);
  await new Promise((resolve) => setTimeout(resolve, 50));
  bar.update(910);
  // 10 images in >= 50 ms is at most 200 img/s; counting the 900 resumed ones would give >= 18,000.
  assertOk(bar.rate > 0 && bar.rate <= 200, `rate ${bar.rate}`);
  // ETA follows that rate: 90 images at <= 200 img/s take at least 0.45 s, shown as 0:00 or more.
  assertOk(/ETA \d+:\d\d/.test(bar.render()), bar.render());
});
