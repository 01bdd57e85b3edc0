/**
 * The API's answers as zod schemas: the route definitions declare them, so the handlers' `c.json`
 * calls are type-checked against them, `hc<AppType>` clients see them, and the OpenAPI document
 * (`GET /openapi.json`) describes them. Named schemas become `components.schemas` entries.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { CLASSIFY_TTA_MODES } from "../src/classifier/views.ts";

/** The test-time views an answer was classified with. */
export const TtaUsed = z.enum(CLASSIFY_TTA_MODES).openapi({
  description: "The test-time views each face was classified with",
});

/** Which model answered. */
export const ModelRef = z.object({
  name: z.string().openapi({ example: "default" }),
  version: z.string().openapi({ description: "Short content hash of the weights" }),
}).openapi("ModelRef");

/** A face's class probabilities and their argmax. */
export const FaceScores = z.object({
  emotion: z.string().openapi({ description: "The most probable label", example: "happy" }),
  confidence: z.number().openapi({ description: "Its probability, 0..1 (4 decimals)" }),
  // A record, not an object of seven fixed keys: the served model decides the labels (7 for
  // models/default, 8 with contempt for a FER+ model), and GET /api/model lists them.
  scores: z.record(z.string(), z.number()).openapi({
    description: "Probability of every label of the served model (`GET /api/model`'s `labels`), " +
      "in that order (4 decimals; they sum to 1): the 7 FER2013 classes, or the 8 of a FER+ " +
      "model (contempt last)",
    example: {
      angry: 0.03,
      disgust: 0.02,
      fear: 0.03,
      happy: 0.69,
      sad: 0.05,
      surprise: 0.13,
      neutral: 0.05,
    },
  }),
}).openapi("FaceScores");

/** Where a face is, in pixels of the (EXIF-rotated) image, to 0.1 px. */
export const Box = z.object({
  x: z.number(),
  y: z.number(),
  width: z.number(),
  height: z.number(),
}).openapi("Box");

/** One face found and classified by `POST /api/predict`. */
export const PredictedFace = FaceScores.extend({
  box: Box,
  detectionScore: z.number().openapi({
    description: "The detector's confidence that this is a face (1 when detection was skipped)",
  }),
}).openapi("PredictedFace");

/** `POST /api/predict`'s answer. */
export const PredictAnswer = z.object({
  faces: z.array(PredictedFace).openapi({ description: "Highest detection score first" }),
  image: z.object({ width: z.number().int(), height: z.number().int() }),
  tta: TtaUsed,
  model: ModelRef,
  timingsMs: z.object({
    decode: z.number(),
    detect: z.number(),
    classify: z.number(),
    total: z.number(),
  }).openapi({ description: "Milliseconds per stage, to 0.01 ms" }),
}).openapi("PredictAnswer");

/** `POST /api/classify`'s answer. */
export const ClassifyAnswer = z.object({
  faces: z.array(FaceScores).openapi({ description: "One entry per face, in request order" }),
  tta: TtaUsed,
  model: ModelRef,
  timingsMs: z.object({ classify: z.number() }),
}).openapi("ClassifyAnswer");

const InputSpec = z.object({
  width: z.number().int(),
  height: z.number().int(),
  channels: z.number().int(),
  scale: z.number().openapi({ description: "Model input = pixel * scale + offset" }),
  offset: z.number(),
}).openapi("InputSpec");

const Quantization = z.enum(["uint8", "float16", "none"]);

const SplitMetrics = z.object({
  split: z.string().openapi({ example: "PublicTest" }),
  count: z.number().int(),
  accuracy: z.number(),
  macroF1: z.number(),
}).openapi("SplitMetrics");

const ModelMember = z.object({
  path: z.string().openapi({ description: "Its subfolder in the set's folder" }),
  name: z.string(),
  version: z.string(),
  weight: z.number().openapi({ description: "Its share of the mean (the shares sum to 1)" }),
  sizeBytes: z.number().int(),
  parameters: z.number().int(),
  mirrorSymmetric: z.boolean(),
  input: InputSpec,
  quantization: Quantization,
}).openapi("ModelMember");

/** The inference runtime. */
export const Runtime = z.object({
  backend: z.string().openapi({ example: "wasm" }),
  simd: z.boolean(),
  inference: z.enum(["folded", "layers"]),
}).openapi("Runtime");

/** `GET /api/model`'s answer. */
export const ModelAnswer = z.object({
  kind: z.enum(["model", "set"]).openapi({
    description: "`set`: the weighted mean of `members`' probabilities",
  }),
  name: z.string(),
  version: z.string().openapi({ description: "Short content hash of the weights" }),
  architecture: z.string(),
  labels: z.array(z.string()).readonly().openapi({
    description: "Class names in output order, the keys of every answer's `scores`: the 7 " +
      "FER2013 classes for models/default, 8 (contempt last) for a FER+ model",
    example: ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"],
  }),
  labelSet: z.enum(["fer2013", "ferplus", "custom"]).openapi({
    description: "Which known list `labels` is: `fer2013` (7 classes), `ferplus` (8, FER2013's " +
      "then contempt) or `custom` (any other)",
  }),
  input: InputSpec,
  quantization: z.enum([...Quantization.options, "mixed"]),
  parameters: z.number().int(),
  sizeBytes: z.number().int(),
  mirrorSymmetric: z.boolean().openapi({
    description: "Mirror-tied weights: `?tta=flip` is answered from one view at no extra cost",
  }),
  temperature: z.number().openapi({
    description: "Calibration temperature of every answer's probabilities (1 = none)",
  }),
  metrics: z.object({ quantized: SplitMetrics.optional(), float: SplitMetrics.optional() }),
  exportedAt: z.string(),
  members: z.array(ModelMember).optional().openapi({ description: "A set's members, in order" }),
  sharedSteps: z.number().int().optional().openapi({
    description: "A set's leading inference steps that every member computes identically, run " +
      "once per batch (0: each member runs whole)",
  }),
  runtime: Runtime,
  limits: z.object({
    maxBodyBytes: z.number().int(),
    maxPixels: z.number().int(),
    maxClassifyFaces: z.number().int(),
    maxInFlight: z.number().int(),
    maxQueue: z.number().int(),
    requestBudgetMs: z.number().int(),
  }),
}).openapi("ModelAnswer");

/** `GET /healthz`'s report (also in its 503 answer). */
export const HealthReport = z.object({
  status: z.enum(["ok", "unhealthy"]),
  model: z.string().openapi({ description: "`name@version`", example: "default@d135684fed45" }),
  ...Runtime.shape,
  uptimeS: z.number().int(),
  canary: z.object({
    ok: z.boolean().openapi({ description: "Whether its last run gave the start-up result" }),
    checkedAt: z.string().openapi({ description: "When it ran (ISO 8601)" }),
    ms: z.number(),
    error: z.string().optional().openapi({ description: "Why it failed; absent when ok" }),
    runs: z.number().int(),
  }),
  memory: z.object({
    numTensors: z.number().int(),
    wasmHeapBytes: z.number().int().nullable(),
    rssBytes: z.number().int(),
  }),
  admission: z.object({
    inFlight: z.number().int(),
    queued: z.number().int(),
    refused: z.number().int(),
    maxInFlight: z.number().int(),
    maxQueue: z.number().int(),
    requestBudgetMs: z.number().int(),
  }),
}).openapi("HealthReport");
