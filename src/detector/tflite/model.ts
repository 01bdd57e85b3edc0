/**
 * Reads the parts of a TensorFlow Lite model (schema `tflite/schema.fbs`) that running BlazeFace
 * needs: tensors with their constant data, operators with their options, and the metadata entries.
 *
 * @module
 */
import { FbTable, rootTable } from "./flatbuffer.ts";

/** TFLite file identifier. */
export const TFLITE_IDENTIFIER = "TFL3";

/** Field ids of the `Model` table. */
export const MODEL_FIELDS = {
  version: 0,
  operatorCodes: 1,
  subgraphs: 2,
  description: 3,
  buffers: 4,
  metadataBuffer: 5,
  metadata: 6,
  signatureDefs: 7,
} as const;

/** TFLite `TensorType` values this reader understands. */
export const TensorType = { FLOAT32: 0, FLOAT16: 1, INT32: 2 } as const;

/** A tensor of the main subgraph. */
export interface TfliteTensor {
  name: string;
  shape: number[];
  type: number;
  /** Constant contents (weights), or undefined for activations. */
  data?: Uint8Array;
}

/** An operator of the main subgraph. */
export interface TfliteOperator {
  /** `BuiltinOperator` code. */
  opcode: number;
  inputs: number[];
  outputs: number[];
  /** The builtin options table, read by the op's mapper. */
  options?: FbTable;
}

/** The parsed model: one subgraph plus named metadata buffers. */
export interface TfliteModel {
  tensors: TfliteTensor[];
  operators: TfliteOperator[];
  inputs: number[];
  outputs: number[];
  /** `Model.metadata` entries: name → buffer contents. */
  metadata: Map<string, Uint8Array>;
}

/** The `Model.buffers` contents, each a view into `bytes`. */
export function readBuffers(root: FbTable): Uint8Array[] {
  return root.tables(MODEL_FIELDS.buffers).map((buffer, i) => {
    // Buffers over 2 GB live outside the flatbuffer (offset/size fields); BlazeFace never does.
    if (buffer.uint64(1) !== 0n) throw new Error(`buffer ${i} is stored outside the flatbuffer`);
    return buffer.bytes(0);
  });
}

/** Parses a `.tflite` file (main subgraph only). */
export function parseTflite(bytes: Uint8Array): TfliteModel {
  const root = rootTable(bytes, TFLITE_IDENTIFIER);
  const buffers = readBuffers(root);
  const opcodes = root.tables(MODEL_FIELDS.operatorCodes).map((code) =>
    // builtin_code (field 3) superseded the 8-bit deprecated_builtin_code (field 0) at 127.
    Math.max(code.int8(0), code.int32(3))
  );
  const subgraphs = root.tables(MODEL_FIELDS.subgraphs);
  if (subgraphs.length === 0) throw new Error("the model has no subgraph");
  const graph = subgraphs[0];
  const tensors = graph.tables(0).map((tensor): TfliteTensor => {
    const data = buffers[tensor.uint32(2)];
    return {
      shape: tensor.int32s(0),
      type: tensor.int8(1),
      name: tensor.string(3) ?? "",
      data: data && data.length > 0 ? data : undefined,
    };
  });
  const operators = graph.tables(3).map((op): TfliteOperator => ({
    opcode: opcodes[op.uint32(0)],
    inputs: op.int32s(1),
    outputs: op.int32s(2),
    options: op.table(4),
  }));
  const metadata = new Map<string, Uint8Array>();
  for (const entry of root.tables(MODEL_FIELDS.metadata)) {
    metadata.set(entry.string(0) ?? "", buffers[entry.uint32(1)] ?? new Uint8Array(0));
  }
  return { tensors, operators, inputs: graph.int32s(1), outputs: graph.int32s(2), metadata };
}
