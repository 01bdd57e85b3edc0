/**
 * The server-side {@link FaceDetector}: BlazeFace run by {@link TfjsGraph} on the tfjs wasm backend,
 * over the whole image plus overlapping tiles (at most 13 windows, whatever the shape), a few
 * windows a run, merged with weighted NMS.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { RgbaImage } from "../../face.ts";
import { generateAnchors } from "../blazeface/anchors.ts";
import type { BlazeFaceConfig } from "../blazeface/config.ts";
import type { DetectedFace, FaceDetector } from "../types.ts";
import type { TfjsGraph } from "./graph.ts";
import { collectFaces, type WindowOutputs } from "./postprocess.ts";
import { windowsToInput } from "./preprocess.ts";
import { type DetectionWindow, detectionWindows, type TilingOptions } from "./windows.ts";

/**
 * Windows the model sees per run. tfjs's wasm heap grows to the largest batch and never shrinks:
 * all 7 windows of a 3:2 photo in one run left it at 277 MB, two at a time at 87 MB, in the same
 * time (the runs are memory-bound, not overhead-bound).
 */
const WINDOWS_PER_RUN = 2;

/** BlazeFace on tfjs, for whole photos of any size. */
export class TfjsFaceDetector implements FaceDetector {
  readonly #graph: TfjsGraph;
  readonly #config: BlazeFaceConfig;
  readonly #anchors: Float32Array;
  readonly #minScore: number;
  readonly #tiling: TilingOptions;
  #disposed = false;

  /** Wraps a loaded graph; use `createFaceDetector` rather than calling this directly. */
  constructor(graph: TfjsGraph, config: BlazeFaceConfig, minScore: number, tiling: TilingOptions) {
    this.#graph = graph;
    this.#config = config;
    this.#anchors = generateAnchors(config);
    this.#minScore = minScore;
    this.#tiling = tiling;
  }

  /** Faces in `image`, highest score first. */
  async detect(image: RgbaImage): Promise<DetectedFace[]> {
    if (this.#disposed) throw new Error("the face detector was disposed");
    if (!(image.width > 0 && image.height > 0)) {
      throw new RangeError(`cannot detect faces in a ${image.width}x${image.height} image`);
    }
    const windows = detectionWindows(image.width, image.height, this.#tiling);
    const outputs: WindowOutputs[] = [];
    for (let i = 0; i < windows.length; i += WINDOWS_PER_RUN) {
      outputs.push(...await this.#run(image, windows.slice(i, i + WINDOWS_PER_RUN)));
    }
    return collectFaces(
      outputs,
      this.#anchors,
      this.#config,
      this.#minScore,
      image.width,
      image.height,
    );
  }

  /** Runs the model on a few windows of `image`; returns each window's raw outputs. */
  async #run(image: RgbaImage, windows: DetectionWindow[]): Promise<WindowOutputs[]> {
    const input = windowsToInput(image, windows, this.#config.inputSize);
    const [regressors, logits] = this.#graph.run(input);
    input.dispose();
    try {
      const [allRegressors, allLogits] = await Promise.all([
        regressors.data() as Promise<Float32Array>,
        logits.data() as Promise<Float32Array>,
      ]);
      const n = this.#config.anchorCount;
      return windows.map((window, i) => ({
        window,
        regressors: allRegressors.subarray(i * n * 16, (i + 1) * n * 16),
        logits: allLogits.subarray(i * n, (i + 1) * n),
      }));
    } finally {
      tf.dispose([regressors, logits]);
    }
  }

  /** Frees the model weights. */
  dispose(): void {
    if (!this.#disposed) this.#graph.dispose();
    this.#disposed = true;
  }
}
