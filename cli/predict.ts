/**
 * `deno task predict --image PATH [--image PATH ...] [--json] [--no-detect] [--tta flip] [--model DIR]`: the
 * server's prediction pipeline in-process (wasm backend, same detector, crop and classifier), printing
 * each face's emotion, confidence and time, and the score of every label of the model (7, or 8
 * for a FER+ model). An image that cannot be used is reported on stderr and the rest are still
 * analysed; the exit code is 1 if any image failed.
 *
 * @module
 */
import { useWasmBackend } from "../src/backend.ts";
import { loadClassifier } from "../src/classifier/load.ts";
import { FerSetClassifier } from "../src/classifier/set_classifier.ts";
import { createFaceDetector } from "../src/detector/mod.ts";
import { ImageInputError } from "../src/image/errors.ts";
import { DEFAULT_MODEL_DIR } from "../src/server/config.ts";
import { predictImage, type PredictResult } from "../src/server/predict_image.ts";
import { displayName } from "../src/face.ts";
import { CLASSIFY_TTA_MODES, isClassifyTta } from "../src/classifier/views.ts";
import { defineFlags, parseFlags, UsageError } from "../term/flags.ts";
import { runMain } from "../term/run_main.ts";

const FLAGS = defineFlags({
  help:
    `usage: deno task predict --image PATH [--image PATH ...] [--json] [--no-detect] [--tta flip]
                         [--model DIR]

  --image PATH   photo to analyse (JPEG, PNG or WebP); repeat for several
  --json         print the same JSON as POST /api/predict, one object per line
  --no-detect    the image is one pre-cropped face: classify it whole
  --tta MODE     none (default) or flip: average each face with its mirror image (more accurate,
                 twice the classify time)
  --model DIR    exported model folder, or model set folder (default models/default)

An image that cannot be used is reported on stderr and the others are still analysed; the exit
code is then 1.`,
  options: {
    image: { type: "string", multiple: true },
    json: { type: "boolean", default: false },
    "no-detect": { type: "boolean", default: false },
    tta: { type: "string", default: "none" },
    model: { type: "string" },
  },
});

/**
 * One face's scores as one line, every label of the model in its order, e.g.
 * `angry 3.1% · disgust 0.4% · ... · contempt 2.0%` (a FER+ model has 8, the default 7).
 */
export function formatScores(scores: Record<string, number>): string {
  return Object.entries(scores).map(([label, p]) => `${label} ${(p * 100).toFixed(1)}%`)
    .join(" · ");
}

/**
 * One image's result as the text lines the CLI prints: a line for the image, then per face its
 * top class and a line of every label's score.
 */
export function formatResult(path: string, result: PredictResult): string[] {
  const { image, faces, timingsMs: t } = result;
  const lines = [
    `${path}: ${image.width}x${image.height}, ${faces.length} face${
      faces.length === 1 ? "" : "s"
    } ` +
    `(decode ${t.decode.toFixed(1)} ms, detect ${t.detect.toFixed(1)} ms, ` +
    `classify ${t.classify.toFixed(1)} ms, total ${t.total.toFixed(1)} ms)`,
  ];
  faces.forEach((face, i) => {
    const { x, y, width, height } = face.box;
    const at = `${Math.round(x)},${Math.round(y)} ${Math.round(width)}x${Math.round(height)}`;
    const perFace = faces.length > 0 ? t.classify / faces.length : 0;
    lines.push(
      `  face ${i + 1} at ${at}: ${displayName(face.emotion)} ` +
        `${(face.confidence * 100).toFixed(1)}% (${perFace.toFixed(2)} ms to classify)`,
      `    ${formatScores(face.scores)}`,
    );
  });
  return lines;
}

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags(args, FLAGS);
  const tta = values.tta;
  if (!isClassifyTta(tta)) {
    throw new UsageError(`--tta must be ${CLASSIFY_TTA_MODES.join(" or ")}, got "${tta}"`);
  }
  const images = values.image ?? [];
  if (images.length === 0) throw new UsageError("--image is required");
  const started = performance.now();
  await useWasmBackend();
  const modelDir = values.model ?? DEFAULT_MODEL_DIR;
  let classifier;
  try {
    classifier = await loadClassifier(modelDir, { keepBackend: true, warmUpBatches: [1] });
  } catch (error) {
    const where = modelDir instanceof URL ? modelDir.pathname : modelDir;
    console.error(`cannot load the model in ${where}: ${(error as Error).message}`);
    return 1;
  }
  const detector = await createFaceDetector({ keepBackend: true });
  const what = classifier instanceof FerSetClassifier
    ? `model set ${classifier.metadata.name} (${
      classifier.members.map((m) => `${m.path} ${(m.weight * 100).toFixed(0)}%`).join(" + ")
    })`
    : `model ${classifier.metadata.name}`;
  console.error(
    `${what} loaded with the face detector on wasm in ` +
      `${Math.round(performance.now() - started)} ms; ${classifier.labels.length} labels: ` +
      classifier.labels.join(", "),
  );
  let failures = 0;
  try {
    for (const path of images) {
      let bytes: Uint8Array;
      try {
        bytes = await Deno.readFile(path);
      } catch (error) {
        console.error(`${path}: cannot read: ${(error as Error).message}`);
        failures++;
        continue;
      }
      try {
        const result = await predictImage(bytes, { detector, classifier }, {
          detect: !values["no-detect"],
          tta,
        });
        if (values.json) console.log(JSON.stringify({ file: path, ...result }));
        else console.log(formatResult(path, result).join("\n"));
      } catch (error) {
        // One bad image is reported and counted; the others are still analysed.
        if (error instanceof ImageInputError) console.error(`${path}: ${error.message}`);
        else console.error(`${path}: failed:`, error);
        failures++;
      }
    }
  } finally {
    classifier.dispose();
    detector.dispose();
  }
  return failures === 0 ? 0 : 1;
}

if (import.meta.main) await runMain("predict", main);
