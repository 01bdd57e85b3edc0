/**
 * Adds a named metadata buffer to a TFLite model without re-serialising it: a new root `Model` table
 * (same fields as the old one, plus the extra buffer and `metadata` entry) is written in front of
 * the untouched original bytes. FlatBuffers offsets are relative, so the shifted original stays
 * valid; the shift is a multiple of 64 so weight buffers keep their alignment. The output depends
 * only on the inputs, so rebuilding gives identical bytes.
 *
 * @module
 */
import { rootTable } from "../../src/detector/tflite/flatbuffer.ts";
import { MODEL_FIELDS, TFLITE_IDENTIFIER } from "../../src/detector/tflite/model.ts";
import { type FbField, type FbValue, ForwardWriter } from "./writer.ts";

const SHIFT_ALIGN = 64;

/**
 * Returns a copy of `model` whose `Model.metadata` has an entry `name` pointing to a new buffer with
 * `data`. Throws if the model already has an entry with that name.
 */
export function addModelMetadata(model: Uint8Array, name: string, data: Uint8Array): Uint8Array {
  const old = rootTable(model, TFLITE_IDENTIFIER);
  const oldMetadata = old.tables(MODEL_FIELDS.metadata);
  if (oldMetadata.some((entry) => entry.string(0) === name)) {
    throw new Error(`the model already has a ${name} metadata entry`);
  }
  const oldBuffers = old.tables(MODEL_FIELDS.buffers);
  let shift = 0; // known once the new front part is written
  const existing = (position: number): FbValue => ({
    kind: "existing",
    position: () => shift + position,
  });
  /** The old table's field `id` as an offset to the (shifted) original object. */
  const keep = (id: number): FbField[] => {
    const at = old.fieldPosition(id);
    if (at < 0) return [];
    const target = at + new DataView(model.buffer, model.byteOffset).getUint32(at, true);
    return [{ id, type: "offset", value: existing(target) }];
  };
  const fields: FbField[] = [
    { id: MODEL_FIELDS.version, type: "uint32", value: old.uint32(MODEL_FIELDS.version) },
    ...keep(MODEL_FIELDS.operatorCodes),
    ...keep(MODEL_FIELDS.subgraphs),
    ...keep(MODEL_FIELDS.description),
    {
      id: MODEL_FIELDS.buffers,
      type: "offset",
      value: {
        kind: "tables",
        items: [
          ...oldBuffers.map((buffer) => existing(buffer.position)),
          {
            kind: "table",
            fields: [{ id: 0, type: "offset", value: { kind: "bytes", value: data, align: 16 } }],
          },
        ],
      },
    },
    ...keep(MODEL_FIELDS.metadataBuffer),
    {
      id: MODEL_FIELDS.metadata,
      type: "offset",
      value: {
        kind: "tables",
        items: [
          ...oldMetadata.map((entry) => existing(entry.position)),
          {
            kind: "table",
            fields: [
              { id: 0, type: "offset", value: { kind: "string", value: name } },
              { id: 1, type: "uint32", value: oldBuffers.length },
            ],
          },
        ],
      },
    },
    ...keep(MODEL_FIELDS.signatureDefs),
  ];
  const writer = new ForwardWriter();
  const header = writer.reserve(8, 4);
  writer.set(header + 4, new TextEncoder().encode(TFLITE_IDENTIFIER));
  const root = writer.write({ kind: "table", fields });
  writer.patch(header, () => root);
  shift = Math.ceil(writer.length / SHIFT_ALIGN) * SHIFT_ALIGN;
  writer.reserve(shift - writer.length);
  const front = writer.finish();
  const out = new Uint8Array(shift + model.length);
  out.set(front);
  out.set(model, shift);
  return out;
}
