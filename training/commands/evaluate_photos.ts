/**
 * `deno task evaluate:photos --dir DIR`: measures the exact `POST /api/predict` path (decode,
 * detect, align, crop, classify, in process) on a folder of labelled photos (`labels.csv`:
 * `file,label`), with `photos/evaluate_folder.ts`.
 *
 * @module
 */
import { evaluatePhotoFolder, type Switch } from "../photos/evaluate_folder.ts";
import { defineFlags, numberFlag, parseFlags, requireFlag, UsageError } from "../../term/flags.ts";
import { runMain } from "../../term/run_main.ts";

const FLAGS = defineFlags({
  help: `deno task evaluate:photos --dir DIR [flags]

Runs every photo listed in DIR/labels.csv (file,label; labels are lowercase class names) through
the /api/predict pipeline in process and reports how well it does. With several faces found in a
photo, the face with the highest detection score is the one judged; a photo without a face found
counts as wrong.

  --dir DIR           folder with labels.csv and the photos (required)
  --detect MODE       on | off | both (default on; off = ?detect=false, the whole photo)
  --align MODE        on | off | both: level the eyes in the crop (default on, the server's)
  --retry MODE        on | off: look again on padded/turned canvases when a pass finds no face
                      (default on, the server's; off = the detector before the retry)
  --model DIR         exported model folder (default models/default)
  --report FILE.html  HTML report (default data/evaluate-photos/<folder>.html)
  --json FILE         per-photo predictions (default: the report's path with .json)
  --limit N           only the first N photos of labels.csv
  --every K           only every K-th photo (a quick, spread-out sample)
  -h, --help          this text
`,
  options: {
    dir: { type: "string" },
    detect: { type: "string", default: "on" },
    align: { type: "string", default: "on" },
    retry: { type: "string", default: "on" },
    model: { type: "string", default: "models/default" },
    report: { type: "string" },
    json: { type: "string" },
    limit: { type: "string" },
    every: { type: "string" },
  },
});

function parseSwitch(flag: string, value: string, allowBoth = true): Switch {
  if (value === "on" || value === "off" || (allowBoth && value === "both")) return value;
  throw new UsageError(`--${flag} must be on, off${allowBoth ? " or both" : ""}, got "${value}"`);
}

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  const dir = requireFlag("dir", values.dir);
  const count = (flag: "limit" | "every") =>
    numberFlag(flag, values[flag], { integer: true, min: 1 });
  await evaluatePhotoFolder({
    dir,
    limit: count("limit"),
    every: count("every"),
    detect: parseSwitch("detect", values.detect),
    align: parseSwitch("align", values.align),
    retry: parseSwitch("retry", values.retry, false),
    model: values.model,
    report: values.report,
    json: values.json,
  });
  return 0;
}

if (import.meta.main) await runMain("evaluate:photos", main);
