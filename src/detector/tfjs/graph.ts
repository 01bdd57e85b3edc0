/**
 * Runs a TFLite graph with TensorFlow.js ops: each BlazeFace operator (conv, depthwise conv, add,
 * relu, max-pool, pad, reshape, concat, bilinear resize) maps to its tfjs counterpart, and FLOAT16
 * weights are widened once at load time. No TFLite interpreter and no global shims are needed, so
 * the same code runs on tfjs's wasm backend in Deno, on Deno Deploy and in tests.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { float16ToFloat32 } from "../tflite/float16.ts";
import type { FbTable } from "../tflite/flatbuffer.ts";
import { TensorType, type TfliteModel, type TfliteOperator } from "../tflite/model.ts";

/** TFLite `BuiltinOperator` codes this runner implements. */
export const Op = {
  ADD: 0,
  CONCATENATION: 2,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  MAX_POOL_2D: 17,
  RELU: 19,
  RESHAPE: 22,
  RESIZE_BILINEAR: 23,
  PAD: 34,
  /** Used by the face-mesh landmark model (training/landmarks), not by BlazeFace. */
  PRELU: 54,
} as const;

const OP_NAMES = Object.fromEntries(Object.entries(Op).map(([name, code]) => [code, name]));

type Activation = "linear" | "relu" | "relu6";

function activation(code: number): Activation {
  // TFLite ActivationFunctionType: NONE 0, RELU 1, RELU6 3.
  if (code === 0) return "linear";
  if (code === 1) return "relu";
  if (code === 3) return "relu6";
  throw new Error(`unsupported fused activation ${code}`);
}

function padding(options: FbTable | undefined): "same" | "valid" {
  return (options?.int8(0) ?? 0) === 1 ? "valid" : "same";
}

/** A loaded graph: constant weights as tfjs tensors, ready to run on NHWC float input. */
export class TfjsGraph {
  readonly #model: TfliteModel;
  readonly #constants = new Map<number, tf.Tensor>();
  readonly #ints = new Map<number, number[]>();

  /** Uploads the model's constants; throws for operators this runner does not implement. */
  constructor(model: TfliteModel) {
    this.#model = model;
    for (const op of model.operators) {
      if (!(op.opcode in OP_NAMES)) {
        throw new Error(`TFLite operator ${op.opcode} is not supported by the tfjs runner`);
      }
    }
    const consumers = new Map<number, TfliteOperator>();
    for (const op of model.operators) for (const input of op.inputs) consumers.set(input, op);
    model.tensors.forEach((tensor, index) => {
      if (!tensor.data) return;
      if (tensor.type === TensorType.INT32) {
        const view = new DataView(tensor.data.buffer, tensor.data.byteOffset, tensor.data.length);
        this.#ints.set(
          index,
          Array.from({ length: tensor.data.length / 4 }, (_, i) => view.getInt32(4 * i, true)),
        );
        return;
      }
      const values = tensor.type === TensorType.FLOAT16
        ? float16ToFloat32(tensor.data)
        : tensor.type === TensorType.FLOAT32
        ? new Float32Array(tensor.data.slice().buffer)
        : undefined;
      if (!values) throw new Error(`tensor ${tensor.name} has unsupported type ${tensor.type}`);
      this.#constants.set(index, tf.tensor(values, tensor.shape, "float32"));
    });
    // Fold DEQUANTIZE of constants, and put filters in tfjs layout.
    for (const op of model.operators) {
      if (op.opcode === Op.DEQUANTIZE && this.#constants.has(op.inputs[0])) {
        // The float16 source is read only by this DEQUANTIZE; keep the widened copy alone.
        this.#constants.set(op.outputs[0], this.#constants.get(op.inputs[0])!);
        this.#constants.delete(op.inputs[0]);
      }
    }
    for (const op of model.operators) {
      const filterIndex = op.inputs[1];
      const filter = this.#constants.get(filterIndex);
      if (!filter) continue;
      let converted: tf.Tensor | undefined;
      if (op.opcode === Op.CONV_2D) {
        // TFLite OHWI → tfjs HWIO.
        converted = tf.transpose(filter, [1, 2, 3, 0]);
      } else if (op.opcode === Op.DEPTHWISE_CONV_2D) {
        // TFLite [1, H, W, C·M] → tfjs [H, W, C, M].
        const multiplier = op.options?.int32(3, 1) || 1;
        const [, h, w, cm] = filter.shape;
        converted = tf.reshape(filter, [h, w, cm / multiplier, multiplier]);
      }
      if (!converted) continue;
      this.#constants.set(filterIndex, converted);
      // Free the TFLite-layout copy unless another operator still reads it.
      if (![...this.#constants.values()].includes(filter)) filter.dispose();
    }
  }

  /** Input shape from the model, e.g. `[1, 128, 128, 3]`. */
  get inputShape(): number[] {
    return this.#model.tensors[this.#model.inputs[0]].shape;
  }

  /** Runs the graph on a `[batch, H, W, 3]` input; returns the output tensors (caller disposes). */
  run(input: tf.Tensor4D): tf.Tensor[] {
    return tf.tidy(() => {
      const values = new Map<number, tf.Tensor>(this.#constants);
      values.set(this.#model.inputs[0], input);
      for (const op of this.#model.operators) {
        if (op.opcode === Op.DEQUANTIZE && values.has(op.outputs[0])) continue;
        values.set(op.outputs[0], this.#apply(op, values));
      }
      return this.#model.outputs.map((index) => values.get(index)!);
    });
  }

  /** Frees the uploaded weights. */
  dispose(): void {
    const seen = new Set<tf.Tensor>();
    for (const tensor of this.#constants.values()) {
      if (!seen.has(tensor)) tensor.dispose();
      seen.add(tensor);
    }
    this.#constants.clear();
  }

  #apply(op: TfliteOperator, values: Map<number, tf.Tensor>): tf.Tensor {
    const input = (i: number) => {
      const value = values.get(op.inputs[i]);
      if (!value) throw new Error(`${OP_NAMES[op.opcode]}: input ${op.inputs[i]} is not computed`);
      return value;
    };
    const ints = (i: number) => {
      const value = this.#ints.get(op.inputs[i]);
      if (!value) throw new Error(`${OP_NAMES[op.opcode]}: input ${op.inputs[i]} is not constant`);
      return value;
    };
    const o = op.options;
    switch (op.opcode) {
      case Op.CONV_2D:
        return tf.fused.conv2d({
          x: input(0) as tf.Tensor4D,
          filter: input(1) as tf.Tensor4D,
          bias: op.inputs[2] >= 0 ? input(2) : undefined,
          strides: [o?.int32(2, 1) || 1, o?.int32(1, 1) || 1],
          pad: padding(o),
          dilations: [o?.int32(5, 1) || 1, o?.int32(4, 1) || 1],
          activation: activation(o?.int8(3) ?? 0),
        });
      case Op.DEPTHWISE_CONV_2D:
        return tf.fused.depthwiseConv2d({
          x: input(0) as tf.Tensor4D,
          filter: input(1) as tf.Tensor4D,
          bias: op.inputs[2] >= 0 ? input(2) : undefined,
          strides: [o?.int32(2, 1) || 1, o?.int32(1, 1) || 1],
          pad: padding(o),
          dilations: [o?.int32(6, 1) || 1, o?.int32(5, 1) || 1],
          activation: activation(o?.int8(4) ?? 0),
        });
      case Op.ADD: {
        const sum = tf.add(input(0), input(1));
        const act = activation(o?.int8(0) ?? 0);
        return act === "relu" ? tf.relu(sum) : act === "relu6" ? tf.relu6(sum) : sum;
      }
      case Op.RELU:
        return tf.relu(input(0));
      case Op.PRELU:
        return tf.prelu(input(0), input(1));
      case Op.MAX_POOL_2D:
        return tf.maxPool(
          input(0) as tf.Tensor4D,
          [o?.int32(4, 1) || 1, o?.int32(3, 1) || 1],
          [o?.int32(2, 1) || 1, o?.int32(1, 1) || 1],
          padding(o),
        );
      case Op.PAD: {
        const p = ints(1);
        const pairs = Array.from({ length: p.length / 2 }, (_, i) => [p[2 * i], p[2 * i + 1]]);
        return tf.pad(input(0), pairs as Array<[number, number]>);
      }
      case Op.RESHAPE: {
        const x = input(0);
        const shape = op.inputs.length > 1 ? ints(1) : (o?.int32s(0) ?? []);
        // Keep the batch dimension so several tiles can run in one call.
        return tf.reshape(x, [x.shape[0], ...shape.slice(1)]);
      }
      case Op.CONCATENATION: {
        const axis = o?.int32(0) ?? 0;
        return tf.concat(op.inputs.map((_, i) => input(i)), axis);
      }
      case Op.RESIZE_BILINEAR: {
        const [h, w] = ints(1);
        return tf.image.resizeBilinear(
          input(0) as tf.Tensor4D,
          [h, w],
          o?.uint8(2) === 1,
          o?.uint8(3) === 1,
        );
      }
      default:
        throw new Error(`TFLite operator ${op.opcode} is not supported`);
    }
  }
}
