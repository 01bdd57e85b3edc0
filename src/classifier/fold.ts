/**
 * Inference plan for chain-shaped Keras models (conv/BN/activation/pool/flatten/dense, as fer-edge
 * trains them): batch normalization is folded into the preceding convolution or dense weights and
 * the following ReLU into the same fused kernel, so each conv block runs as one wasm `FusedConv2D`
 * instead of conv + `FusedBatchNorm` + `Relu`. Models with any other layer or topology get no plan
 * and run through `model.predict` unchanged. The plan lists its steps with their weights, so a
 * model set can find the steps its members share (`shared_trunk.ts`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { chainLayers as pageChainLayers } from "../../static/js/shared_trunk.js";

/** Activations the fused conv/matmul kernels apply themselves. */
type FusedActivation = "linear" | "relu" | "relu6" | "elu" | "sigmoid";
const FUSABLE = new Set<string>(["linear", "relu", "relu6", "elu", "sigmoid"]);

/** One step of the plan: a function of the running activation. */
type Step = (x: tf.Tensor) => tf.Tensor;

/** One step of a plan with what it computes, so that two plans can be compared step by step. */
export interface PlanStep {
  /** The step itself. */
  run: Step;
  /** The operation and its parameters, e.g. `conv2d relu strides=1,1 pad=same`. */
  op: string;
  /** The weights it uses (folded kernel and bias, or scale and shift). */
  weights: readonly tf.Tensor[];
}

/** A compiled forward pass; `dispose` frees the folded weights. */
export interface InferencePlan {
  /** Runs the model on `x` (call inside `tf.tidy`). */
  run(x: tf.Tensor4D): tf.Tensor;
  /** The steps `run` chains, in order. */
  steps: readonly PlanStep[];
  /** Number of batch normalizations folded into weights. */
  foldedBatchNorms: number;
  /** Frees the plan's own weight tensors (the model's are untouched). */
  dispose(): void;
}

/** A layer still being built: weights that BN and activations may be folded into. */
interface Pending {
  kind: "conv" | "dense";
  kernel: tf.Tensor;
  bias: tf.Tensor | undefined;
  activation: FusedActivation;
  config: Record<string, unknown>;
}

const ACTIVATIONS: Record<string, (x: tf.Tensor) => tf.Tensor> = {
  linear: (x) => x,
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
  elu: (x) => tf.elu(x),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  softmax: (x) => tf.softmax(x),
};

/**
 * The layers of `model` in order when they form a single chain, else `undefined`: the page's own
 * function (`static/js/shared_trunk.js`), typed.
 */
export function chainLayers(model: tf.LayersModel): tf.layers.Layer[] | undefined {
  return pageChainLayers(model);
}

/** Per-channel `scale` and `shift` with BN(x) = x * scale + shift, from a BatchNormalization layer. */
function batchNormAffine(layer: tf.layers.Layer): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
  const config = layer.getConfig() as {
    axis: number;
    epsilon: number;
    center: boolean;
    scale: boolean;
  };
  const weights = layer.getWeights();
  let k = 0;
  const gamma = config.scale ? weights[k++] : undefined;
  const beta = config.center ? weights[k++] : undefined;
  const [mean, variance] = [weights[k], weights[k + 1]];
  return tf.tidy(() => {
    const inv = tf.rsqrt(tf.add(variance, config.epsilon));
    const scale = (gamma ? tf.mul(gamma, inv) : inv) as tf.Tensor1D;
    const shifted = tf.neg(tf.mul(mean, scale));
    const shift = (beta ? tf.add(shifted, beta) : shifted) as tf.Tensor1D;
    return { scale, shift };
  });
}

/**
 * Builds the plan for `model`, or returns `undefined` when some layer is not supported (the caller
 * then uses `model.predict`).
 */
export function compileInference(model: tf.LayersModel): InferencePlan | undefined {
  const layers = chainLayers(model);
  if (!layers) return undefined;
  const owned: tf.Tensor[] = [];
  const steps: PlanStep[] = [];
  const add = (op: string, run: Step, weights: tf.Tensor[] = []) =>
    steps.push({ op, run, weights });
  let pending: Pending | undefined;
  let folded = 0;
  const keep = <T extends tf.Tensor>(t: T): T => {
    owned.push(t);
    return t;
  };
  const flush = () => {
    if (!pending) return;
    const { kind, kernel, bias, activation, config } = pending;
    if (kind === "conv") {
      const strides = config.strides as [number, number];
      const padding = config.padding as "same" | "valid";
      const dilations = config.dilationRate as [number, number];
      add(
        `conv2d ${activation} strides=${strides} pad=${padding} dilations=${dilations}`,
        (x) =>
          tf.fused.conv2d({
            x: x as tf.Tensor4D,
            filter: kernel as tf.Tensor4D,
            strides,
            pad: padding,
            dilations,
            bias,
            activation,
          }),
        [kernel, ...(bias ? [bias] : [])],
      );
    } else {
      add(
        `matMul ${activation}`,
        (x) => tf.fused.matMul({ a: x as tf.Tensor2D, b: kernel as tf.Tensor2D, bias, activation }),
        [kernel, ...(bias ? [bias] : [])],
      );
    }
    pending = undefined;
  };
  const fail = () => {
    tf.dispose(owned);
    return undefined;
  };
  for (const layer of layers) {
    const name = layer.getClassName();
    const config = layer.getConfig() as Record<string, unknown>;
    if (name === "InputLayer") continue;
    if (name === "Dropout" || name === "SpatialDropout2D" || name === "GaussianNoise") continue;
    if (name === "Conv2D" || name === "Dense") {
      flush();
      if (name === "Conv2D" && config.dataFormat !== "channelsLast") return fail();
      // Dense on a rank > 2 input applies per position; only the flat case is planned.
      if (name === "Dense" && (layer.input as tf.SymbolicTensor).shape.length !== 2) return fail();
      const [kernel, bias] = layer.getWeights();
      const activation = String(config.activation);
      const fusable = FUSABLE.has(activation);
      pending = {
        kind: name === "Conv2D" ? "conv" : "dense",
        kernel: keep(kernel.clone()),
        bias: bias ? keep(bias.clone()) : undefined,
        activation: fusable ? activation as FusedActivation : "linear",
        config,
      };
      if (!fusable) {
        if (!ACTIVATIONS[activation]) return fail();
        flush();
        add(activation, ACTIVATIONS[activation]);
      }
      continue;
    }
    if (name === "BatchNormalization") {
      const axis = config.axis as number;
      if (axis !== -1 && axis !== (layer.outputShape as number[]).length - 1) return fail();
      const { scale, shift } = batchNormAffine(layer);
      if (pending && pending.activation === "linear") {
        // BN(W x + b) = (W * s) x + (b * s + t): scale the kernel's output channels.
        const p = pending;
        const newKernel = tf.mul(p.kernel, scale);
        const newBias = p.bias ? tf.add(tf.mul(p.bias, scale), shift) : shift.clone();
        tf.dispose([p.kernel, p.bias ?? [], scale, shift]);
        p.kernel = keep(newKernel);
        p.bias = keep(newBias);
        folded++;
      } else {
        flush();
        keep(scale);
        keep(shift);
        add("scale-shift", (x) => tf.add(tf.mul(x, scale), shift), [scale, shift]);
      }
      continue;
    }
    if (name === "Activation" || name === "ReLU") {
      const activation = name === "ReLU" ? "relu" : String(config.activation);
      if (name === "ReLU" && (config.maxValue != null)) return fail();
      if (pending && pending.activation === "linear" && FUSABLE.has(activation)) {
        pending.activation = activation as FusedActivation;
        continue;
      }
      flush();
      const fn = ACTIVATIONS[activation];
      if (!fn) return fail();
      add(activation, fn);
      continue;
    }
    flush();
    if (name === "MaxPooling2D" || name === "AveragePooling2D") {
      if (config.dataFormat !== "channelsLast") return fail();
      const pool = config.poolSize as [number, number];
      const strides = (config.strides ?? pool) as [number, number];
      const pad = config.padding as "same" | "valid";
      const op = name === "MaxPooling2D" ? tf.maxPool : tf.avgPool;
      add(
        `${name} ${pool} strides=${strides} pad=${pad}`,
        (x) => op(x as tf.Tensor4D, pool, strides, pad),
      );
    } else if (name === "Flatten") {
      add("flatten", (x) => tf.reshape(x, [x.shape[0], -1]));
    } else if (name === "GlobalAveragePooling2D") {
      add("global-mean", (x) => tf.mean(x, [1, 2]));
    } else {
      return fail();
    }
  }
  flush();
  const foldedBatchNorms = folded;
  return {
    run: (x) => steps.reduce<tf.Tensor>((t, step) => step.run(t), x),
    steps,
    foldedBatchNorms,
    dispose: () => tf.dispose(owned),
  };
}
