/**
 * A small forward FlatBuffers writer. FlatBuffers offsets are unsigned and point to higher
 * addresses, so objects are laid out parent-first: a table is written, then its children after it,
 * and the table's offset slots are patched once the children's positions are known. This is what
 * lets a new root table be placed *in front of* an existing model and still point at its data.
 *
 * @module
 */

/** A value for a table field or vector element. */
export type FbValue =
  | { kind: "table"; fields: FbField[] }
  | { kind: "string"; value: string }
  | { kind: "tables"; items: FbValue[] }
  | { kind: "float32s"; values: number[] }
  | { kind: "int32s"; values: number[] }
  | { kind: "bytes"; value: Uint8Array; align: number }
  /** An object that already exists at a position resolved when the layout is final. */
  | { kind: "existing"; position: () => number };

/** One table field: scalars are stored inline, everything else through an offset. */
export type FbField =
  | { id: number; type: "uint8" | "int8" | "uint32" | "int32"; value: number }
  | { id: number; type: "offset"; value: FbValue };

const SCALAR_SIZE = { uint8: 1, int8: 1, uint32: 4, int32: 4 } as const;

/** Accumulates bytes; positions are absolute within the writer. */
export class ForwardWriter {
  #bytes = new Uint8Array(1024);
  #view = new DataView(this.#bytes.buffer);
  #length = 0;
  #patches: { at: number; target: () => number }[] = [];

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }

  /** Reserves `size` zeroed bytes at the next multiple of `align`; returns their position. */
  reserve(size: number, align = 1): number {
    const start = Math.ceil(this.#length / align) * align;
    const end = start + size;
    if (end > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(end, this.#bytes.length * 2));
      grown.set(this.#bytes);
      this.#bytes = grown;
      this.#view = new DataView(grown.buffer);
    }
    this.#length = end;
    return start;
  }

  /** Writes raw bytes at `at`. */
  set(at: number, bytes: Uint8Array): void {
    this.#bytes.set(bytes, at);
  }

  /** The data view for scalar writes. */
  get view(): DataView {
    return this.#view;
  }

  /** Records that the uoffset at `at` must point to `target()` once positions are final. */
  patch(at: number, target: () => number): void {
    this.#patches.push({ at, target });
  }

  /** Writes `value` (and its children) and returns its position. */
  write(value: FbValue): number {
    switch (value.kind) {
      case "existing":
        return NaN; // never written here; referenced through patch()
      case "string": {
        const utf8 = new TextEncoder().encode(value.value);
        const at = this.reserve(4 + utf8.length + 1, 4);
        this.#view.setUint32(at, utf8.length, true);
        this.set(at + 4, utf8);
        return at;
      }
      case "float32s":
      case "int32s": {
        const at = this.reserve(4 + 4 * value.values.length, 4);
        this.#view.setUint32(at, value.values.length, true);
        value.values.forEach((v, i) => {
          if (value.kind === "float32s") this.#view.setFloat32(at + 4 + 4 * i, v, true);
          else this.#view.setInt32(at + 4 + 4 * i, v, true);
        });
        return at;
      }
      case "bytes": {
        // The length prefix sits just before the data, which starts on an `align` boundary.
        const align = Math.max(4, value.align);
        const dataAt = Math.ceil((this.#length + 4) / align) * align;
        this.reserve(dataAt + value.value.length - this.#length);
        const at = dataAt - 4;
        this.#view.setUint32(at, value.value.length, true);
        this.set(dataAt, value.value);
        return at;
      }
      case "tables": {
        const at = this.reserve(4 + 4 * value.items.length, 4);
        this.#view.setUint32(at, value.items.length, true);
        value.items.forEach((item, i) => this.#reference(at + 4 + 4 * i, item));
        return at;
      }
      case "table":
        return this.#table(value.fields);
    }
  }

  #reference(slot: number, value: FbValue): void {
    if (value.kind === "existing") {
      this.patch(slot, value.position);
      return;
    }
    const target = this.write(value);
    this.patch(slot, () => target);
  }

  #table(fields: FbField[]): number {
    const sorted = [...fields].sort((a, b) => a.id - b.id);
    // Inline layout: soffset, then 4-byte fields, then 1-byte fields (keeps alignment).
    const inline = [...sorted].sort((a, b) => size(b) - size(a));
    const offsets = new Map<number, number>();
    let tableSize = 4;
    for (const field of inline) {
      offsets.set(field.id, tableSize);
      tableSize += size(field);
    }
    const slots = sorted.length === 0 ? 0 : sorted[sorted.length - 1].id + 1;
    const vtable = this.reserve(4 + 2 * slots, 2);
    const table = this.reserve(tableSize, 4);
    this.#view.setUint16(vtable, 4 + 2 * slots, true);
    this.#view.setUint16(vtable + 2, tableSize, true);
    for (const [id, offset] of offsets) this.#view.setUint16(vtable + 4 + 2 * id, offset, true);
    this.#view.setInt32(table, table - vtable, true);
    for (const field of sorted) {
      const at = table + offsets.get(field.id)!;
      if (field.type === "offset") continue;
      if (field.type === "uint8") this.#view.setUint8(at, field.value);
      else if (field.type === "int8") this.#view.setInt8(at, field.value);
      else if (field.type === "uint32") this.#view.setUint32(at, field.value, true);
      else this.#view.setInt32(at, field.value, true);
    }
    for (const field of sorted) {
      if (field.type === "offset") this.#reference(table + offsets.get(field.id)!, field.value);
    }
    return table;
  }

  /** Resolves all offsets and returns the bytes. */
  finish(): Uint8Array {
    for (const { at, target } of this.#patches) {
      const offset = target() - at;
      if (!(offset > 0)) throw new Error(`flatbuffer offset at ${at} would point backwards`);
      this.#view.setUint32(at, offset, true);
    }
    return this.#bytes.slice(0, this.#length);
  }
}

function size(field: FbField): number {
  return field.type === "offset" ? 4 : SCALAR_SIZE[field.type];
}

/** Serialises a standalone FlatBuffer whose root is `root`, with a 4-character `identifier`. */
export function buildFlatBuffer(root: FbValue, identifier: string): Uint8Array {
  const writer = new ForwardWriter();
  const header = writer.reserve(8, 4);
  writer.set(header + 4, new TextEncoder().encode(identifier));
  const rootAt = writer.write(root);
  writer.patch(header, () => rootAt);
  return writer.finish();
}
