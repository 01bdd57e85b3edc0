/**
 * Failure isolation for the wasm image codecs. A codec that fails part-way leaves its instance in an
 * unknown state: mozjpeg's `exit(1)` unwinds no C stack and frees nothing, and the PNG decoder's
 * Rust panics leak the output buffer it had allocated. Reused, such an instance leaks its way to
 * "memory access out of bounds" for every later image. A {@link CodecSlot} therefore hands each
 * decode one instance and replaces it with a fresh one (instantiated from the compiled module,
 * about a millisecond) after any failure, and after a decode that grew its heap past a limit, since
 * wasm memory never shrinks.
 *
 * @example
 * ```ts
 * const slot = new CodecSlot("png", createPngInstance);
 * const pixels = await slot.decode(bytes); // throws CodecError for bad data
 * ```
 *
 * @module
 */

/** Pixels a codec produced, row-major RGBA. */
export interface DecodedPixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
  /** Warnings the codec printed while decoding (libjpeg's "Premature end of JPEG file", ...). */
  warnings: string[];
}

/** One instance of a wasm codec. */
export interface CodecInstance {
  /** Decodes `bytes`; any throw means the input was bad and this instance is no longer trusted. */
  decode(bytes: Uint8Array): DecodedPixels;
  /** Bytes of wasm memory the instance holds now. */
  heapBytes(): number;
  /** Whether the instance must not decode again (its memory backs the last result). */
  spent(): boolean;
  /** What the codec printed during the last decode. */
  lastOutput(): string[];
}

/** A codec failed on its input. `message` is the codec's own words: log it, do not show it. */
export class CodecError extends Error {
  /** What the codec printed before failing (e.g. libjpeg's reason for `exit(1)`). */
  readonly output: string[];

  /** Wraps what the codec threw (`cause`) and what it printed. */
  constructor(message: string, output: string[], options?: ErrorOptions) {
    super(message, options);
    this.name = "CodecError";
    this.output = output;
  }
}

/** Heap size above which an instance is replaced after use: 32 MiB, a ~2-megapixel decode. */
export const DEFAULT_MAX_CODEC_HEAP_BYTES = 32 * 1024 * 1024;

/** Counts of a slot's instances, for health reports and tests. */
export interface CodecSlotStats {
  /** Instances created so far. */
  created: number;
  /** Instances dropped because a decode failed. */
  failed: number;
  /** Instances dropped because their heap grew past the limit (or lent it to a result). */
  recycled: number;
}

/** One codec's current instance, replaced after failures and big decodes. */
export class CodecSlot {
  /** The codec's name, for messages. */
  readonly name: string;
  readonly #create: () => Promise<CodecInstance>;
  readonly #maxHeapBytes: number;
  #current: Promise<CodecInstance> | undefined;
  readonly #stats: CodecSlotStats = { created: 0, failed: 0, recycled: 0 };

  /** A slot that makes instances with `create` and drops those whose heap exceeds the limit. */
  constructor(
    name: string,
    create: () => Promise<CodecInstance>,
    maxHeapBytes = DEFAULT_MAX_CODEC_HEAP_BYTES,
  ) {
    this.name = name;
    this.#create = create;
    this.#maxHeapBytes = maxHeapBytes;
  }

  /** A copy of the slot's counters. */
  get stats(): CodecSlotStats {
    return { ...this.#stats };
  }

  /**
   * Decodes `bytes` with the current instance (creating it on first use).
   *
   * @throws {CodecError} when the codec fails on the input; the instance is then replaced. Errors
   * creating an instance (a missing wasm file) propagate as they are: they are not the input's fault.
   */
  async decode(bytes: Uint8Array): Promise<DecodedPixels> {
    const pending = this.#current ??= this.#instantiate();
    const instance = await pending;
    let failed = true;
    try {
      const pixels = instance.decode(bytes);
      failed = false;
      return pixels;
    } catch (error) {
      // Emscripten's ExitStatus is not an Error, but has a message.
      const message = (error as { message?: unknown } | undefined)?.message;
      throw new CodecError(
        typeof message === "string" ? message : String(error),
        instance.lastOutput(),
        { cause: error },
      );
    } finally {
      if (failed) {
        this.#stats.failed++;
        this.#drop(pending);
      } else if (instance.spent() || instance.heapBytes() > this.#maxHeapBytes) {
        this.#stats.recycled++;
        this.#drop(pending);
      }
    }
  }

  #instantiate(): Promise<CodecInstance> {
    const pending = this.#create();
    this.#stats.created++;
    // A failed instantiation is retried on the next decode rather than cached.
    pending.catch(() => this.#drop(pending));
    return pending;
  }

  #drop(instance: Promise<CodecInstance>): void {
    if (this.#current === instance) this.#current = undefined;
  }
}
