/**
 * What the HTTP app is built from. Routes receive these by injection, so tests can run every route
 * with fake detectors and tiny models and never load the shipped weights.
 *
 * @module
 */
import type { FaceDetector } from "../detector/types.ts";
import type { FaceClassifier } from "../classifier/classifier.ts";
import type { FerModelMetadata } from "../model/metadata.ts";
import type { AdmissionSettings } from "./admission.ts";
import type { HealthMonitor } from "./health.ts";
import { labelSetOf } from "../face.ts";

/** Request limits, admission control included (see `admission.ts`). */
export interface Limits extends AdmissionSettings {
  /** Largest request body in bytes. */
  maxBodyBytes: number;
  /** Largest image in pixels (width × height). */
  maxPixels: number;
  /** Most faces in one classify request. */
  maxClassifyFaces: number;
}

/** One member of a model set as `GET /api/model` describes it. */
export interface ModelMemberInfo {
  /** Its subfolder in the set's folder. */
  path: string;
  /** Its model name from its `fer-model.json`. */
  name: string;
  /** Its content hash, see `modelVersion`. */
  version: string;
  /** Its share of the set's mean (the members' weights sum to 1). */
  weight: number;
  /** Bytes of its `model.json` plus weights. */
  sizeBytes: number;
  /** Trainable parameters. */
  parameters: number;
  /** Mirror-tied weights: a flip view costs it nothing. */
  mirrorSymmetric: boolean;
  /** Its input geometry and pixel scaling (members may scale pixels differently). */
  input: FerModelMetadata["input"];
  /** Weight quantization. */
  quantization: FerModelMetadata["quantization"];
}

/** The model as `GET /api/model` describes it. */
export interface ModelInfo {
  /** `model`: one exported model; `set`: the weighted mean of {@link members}. */
  kind: "model" | "set";
  /** Model name from `fer-model.json`. */
  name: string;
  /**
   * Short content hash of the weights, see `modelVersion` (for a set: of its members' versions
   * and weights).
   */
  version: string;
  /** Architecture description. */
  architecture: string;
  /**
   * Class names in output order: every answer's `scores` has these keys, in this order (7 for
   * `models/default`, 8 for a FER+ model).
   */
  labels: readonly string[];
  /** Which known list {@link labels} is: `fer2013` (7), `ferplus` (8, contempt last) or `custom`. */
  labelSet: "fer2013" | "ferplus" | "custom";
  /** Input geometry and pixel scaling (for a set: its first member's; see each member's). */
  input: FerModelMetadata["input"];
  /** Weight quantization (for a set: the members' when they agree, else `mixed`). */
  quantization: FerModelMetadata["quantization"] | "mixed";
  /** Trainable parameters (for a set: all members'). */
  parameters: number;
  /** Bytes of `model.json` plus weights (for a set: all members'). */
  sizeBytes: number;
  /**
   * Mirror-tied weights: `?tta=flip` answers from one view, at no extra cost (for a set: every
   * member is).
   */
  mirrorSymmetric: boolean;
  /** Calibration temperature every answer's probabilities are rescaled with (1 = none). */
  temperature: number;
  /** Metrics the model shipped with. */
  metrics: FerModelMetadata["metrics"];
  /** When it was exported (for a set: assembled). */
  exportedAt: string;
  /** For a set: its members, in the order they are averaged. */
  members?: ModelMemberInfo[];
  /**
   * For a set: leading inference steps every member computes identically, run once per batch
   * (see `src/classifier/shared_trunk.ts`; 0 = each member runs whole).
   */
  sharedSteps?: number;
}

/** Which TensorFlow.js backend runs inference. */
export interface RuntimeInfo {
  /** Active backend name, `wasm` in production. */
  backend: string;
  /** Whether the wasm backend uses SIMD. */
  simd: boolean;
  /** `folded` (batch norms folded into fused conv kernels) or `layers` (plain `model.predict`). */
  inference: "folded" | "layers";
}

/** Everything `createApp` needs. */
export interface AppDeps {
  /** Face detector (only `detect` is called). */
  detector: Pick<FaceDetector, "detect">;
  /** Face classifier. */
  classifier: FaceClassifier;
  /** Description of the loaded model. */
  model: ModelInfo;
  /** Request limits. */
  limits: Limits;
  /** Reports the inference runtime for `/healthz` and `/api/model`. */
  runtime: () => RuntimeInfo;
  /**
   * The canary and memory monitor behind `/healthz` and the heavy routes' health gate. Default: a
   * monitor of `detector` and `classifier` whose first run (on the first `/healthz` or failure)
   * records the baseline; `loadServices` passes one started at boot.
   */
  health?: HealthMonitor;
  /** Origins allowed to call `/api/*` and `/healthz` cross-origin; none (no CORS) by default. */
  corsOrigins?: readonly string[];
  /**
   * The served model's folder (`MODEL_DIR`), which the page's in-browser mode loads from
   * `/classifier/`; `models/default/` when absent.
   */
  modelDir?: string | URL;
}

/** The {@link ModelInfo} of a model folder's metadata. */
export function modelInfo(metadata: FerModelMetadata, version: string): ModelInfo {
  return {
    kind: "model",
    name: metadata.name,
    version,
    architecture: metadata.architecture,
    labels: metadata.labels,
    labelSet: labelSetOf(metadata.labels),
    input: metadata.input,
    quantization: metadata.quantization,
    parameters: metadata.parameters,
    sizeBytes: metadata.sizeBytes,
    mirrorSymmetric: metadata.mirrorSymmetric === true,
    temperature: metadata.temperature ?? 1,
    metrics: metadata.metrics,
    exportedAt: metadata.exportedAt,
  };
}
