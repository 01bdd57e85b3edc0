/**
 * A minimal read-only FlatBuffers accessor: tables, vectors, strings and scalars by field id. Enough
 * to read TensorFlow Lite model files without generated code.
 *
 * @module
 */

/** A table inside a FlatBuffers buffer, read by field id (the schema's declaration order). */
export class FbTable {
  /** Absolute byte position of the table in the buffer. */
  readonly position: number;
  readonly #view: DataView;
  readonly #bytes: Uint8Array;
  readonly #vtable: number;
  readonly #vtableSize: number;

  /** Wraps the table at `position` of `bytes`. */
  constructor(bytes: Uint8Array, position: number) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.position = position;
    this.#vtable = position - this.#view.getInt32(position, true);
    this.#vtableSize = this.#view.getUint16(this.#vtable, true);
  }

  /** Byte offset of field `id` inside the table, or 0 when the field is absent. */
  fieldOffset(id: number): number {
    const slot = 4 + 2 * id;
    return slot < this.#vtableSize ? this.#view.getUint16(this.#vtable + slot, true) : 0;
  }

  /** Absolute position of field `id`'s inline value, or -1 when absent. */
  fieldPosition(id: number): number {
    const offset = this.fieldOffset(id);
    return offset === 0 ? -1 : this.position + offset;
  }

  /** Whether field `id` is present. */
  has(id: number): boolean {
    return this.fieldOffset(id) !== 0;
  }

  #deref(id: number): number {
    const at = this.fieldPosition(id);
    return at < 0 ? -1 : at + this.#view.getUint32(at, true);
  }

  /** An unsigned 8-bit field. */
  uint8(id: number, fallback = 0): number {
    const at = this.fieldPosition(id);
    return at < 0 ? fallback : this.#view.getUint8(at);
  }

  /** A signed 8-bit field. */
  int8(id: number, fallback = 0): number {
    const at = this.fieldPosition(id);
    return at < 0 ? fallback : this.#view.getInt8(at);
  }

  /** A signed 32-bit field. */
  int32(id: number, fallback = 0): number {
    const at = this.fieldPosition(id);
    return at < 0 ? fallback : this.#view.getInt32(at, true);
  }

  /** An unsigned 32-bit field. */
  uint32(id: number, fallback = 0): number {
    const at = this.fieldPosition(id);
    return at < 0 ? fallback : this.#view.getUint32(at, true);
  }

  /** An unsigned 64-bit field (as a bigint). */
  uint64(id: number, fallback = 0n): bigint {
    const at = this.fieldPosition(id);
    return at < 0 ? fallback : this.#view.getBigUint64(at, true);
  }

  /** A string field, or undefined when absent. */
  string(id: number): string | undefined {
    const at = this.#deref(id);
    if (at < 0) return undefined;
    const length = this.#view.getUint32(at, true);
    return new TextDecoder().decode(this.#bytes.subarray(at + 4, at + 4 + length));
  }

  /** A sub-table field, or undefined when absent. */
  table(id: number): FbTable | undefined {
    const at = this.#deref(id);
    return at < 0 ? undefined : new FbTable(this.#bytes, at);
  }

  /** Position of a vector field's first element and its length; length 0 when absent. */
  vector(id: number): { start: number; length: number } {
    const at = this.#deref(id);
    if (at < 0) return { start: -1, length: 0 };
    return { start: at + 4, length: this.#view.getUint32(at, true) };
  }

  /** A vector of tables. */
  tables(id: number): FbTable[] {
    const { start, length } = this.vector(id);
    const out: FbTable[] = [];
    for (let i = 0; i < length; i++) {
      const slot = start + 4 * i;
      out.push(new FbTable(this.#bytes, slot + this.#view.getUint32(slot, true)));
    }
    return out;
  }

  /** A vector of signed 32-bit integers. */
  int32s(id: number): number[] {
    const { start, length } = this.vector(id);
    return Array.from({ length }, (_, i) => this.#view.getInt32(start + 4 * i, true));
  }

  /** A vector of 32-bit floats. */
  float32s(id: number): number[] {
    const { start, length } = this.vector(id);
    return Array.from({ length }, (_, i) => this.#view.getFloat32(start + 4 * i, true));
  }

  /** A `[ubyte]` vector as a view into the buffer (no copy). */
  bytes(id: number): Uint8Array {
    const { start, length } = this.vector(id);
    return length === 0 ? new Uint8Array(0) : this.#bytes.subarray(start, start + length);
  }
}

/** The root table of a FlatBuffers buffer, after checking its 4-byte file identifier. */
export function rootTable(bytes: Uint8Array, identifier?: string): FbTable {
  if (bytes.length < 8) throw new Error(`not a FlatBuffer: only ${bytes.length} bytes`);
  if (identifier !== undefined) {
    const found = String.fromCharCode(...bytes.subarray(4, 8));
    if (found !== identifier) {
      throw new Error(
        `expected FlatBuffer identifier ${identifier}, found ${JSON.stringify(found)}`,
      );
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new FbTable(bytes, view.getUint32(0, true));
}
