/**
 * Failure isolation for the wasm image codecs. A codec that fails part-way leaves its instance in an
 * unknown state: mozjpeg's `exit(1)` unwinds no C stack and frees nothing, and the PNG decoder's
 * Rust panics leak the output buffer it had allocated. Reused, such an instance leaks its way to
 * "memory access out of bounds" for every later image. A {@link CodecSlot} therefore hands each
 * decode one instance and replaces it with a fresh one (instantiated from the compiled module,
 * about a millisecond) after any failure. Since wasm memory never shrinks, an instance whose heap
 * grew past a limit is also dropped, once it has been idle for a few seconds.
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

/** Heap size above which an idle instance is dropped: 32 MiB, a ~2-megapixel decode. */
export const DEFAULT_MAX_CODEC_HEAP_BYTES = 32 * 1024 * 1024;

/**
 * How long an instance with a grown heap is kept for the next big image. Dropping it at once costs
 * more than it saves under a run of big images: V8 frees a dropped wasm memory only at a full GC,
 * so twenty 4096x4096 progressive JPEGs in a row peaked at 683 MB RSS with a fresh instance each
 * time and at 482 MB with one kept instance. Once idle this long, it is dropped.
 */
export const DEFAULT_IDLE_RELEASE_MS = 5000;

/**
 * Tells V8 that a large amount of memory just became garbage. V8 frees a dropped wasm memory only
 * in a full collection, and does not count wasm memory toward starting one, so a dropped 200 MB
 * heap stayed resident indefinitely on an idle server. An ArrayBuffer does count (as external
 * memory), and one that is never written costs no resident memory (its pages are never touched):
 * allocating one of the dropped heap's size starts the collection that frees the heap.
 */
function hintGarbage(bytes: number): void {
  void new ArrayBuffer(Math.min(bytes, 1 << 30));
}

/** Counts of a slot's instances, for health reports and tests. */
export interface CodecSlotStats {
  /** Instances created so far. */
  created: number;
  /** Instances dropped because a decode failed. */
  failed: number;
  /** Instances dropped because their heap grew past the limit and they were idle. */
  recycled: number;
}

/** One codec's current instance, replaced after failures and big decodes. */
export class CodecSlot {
  /** The codec's name, for messages. */
  readonly name: string;
  readonly #create: () => Promise<CodecInstance>;
  readonly #maxHeapBytes: number;
  readonly #idleReleaseMs: number;
  #current: Promise<CodecInstance> | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #stats: CodecSlotStats = { created: 0, failed: 0, recycled: 0 };

  /**
   * A slot that makes instances with `create`, and drops one whose heap exceeds `maxHeapBytes`
   * once no decode has used it for `idleReleaseMs`.
   */
  constructor(
    name: string,
    create: () => Promise<CodecInstance>,
    maxHeapBytes = DEFAULT_MAX_CODEC_HEAP_BYTES,
    idleReleaseMs = DEFAULT_IDLE_RELEASE_MS,
  ) {
    this.name = name;
    this.#create = create;
    this.#maxHeapBytes = maxHeapBytes;
    this.#idleReleaseMs = idleReleaseMs;
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
    this.#cancelIdleRelease();
    let pending: Promise<CodecInstance>;
    let instance: CodecInstance;
    do {
      pending = this.#current ??= this.#instantiate();
      instance = await pending;
      // A decode that was waiting with this one may have failed and dropped the instance.
    } while (this.#current !== pending);
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
        this.#drop(pending, instance.heapBytes());
      } else if (instance.heapBytes() > this.#maxHeapBytes) {
        this.#releaseWhenIdle(pending);
      }
    }
  }

  #cancelIdleRelease(): void {
    clearTimeout(this.#idleTimer);
    // Deno's timer object holds its callback, and so the instance: do not keep it.
    this.#idleTimer = undefined;
  }

  #releaseWhenIdle(instance: Promise<CodecInstance>): void {
    this.#cancelIdleRelease();
    const timer = setTimeout(() => {
      this.#idleTimer = undefined;
      if (this.#current !== instance) return;
      this.#stats.recycled++;
      instance.then((dropped) => this.#drop(instance, dropped.heapBytes()));
    }, this.#idleReleaseMs);
    // The timer must not keep a CLI or a test alive.
    Deno.unrefTimer(timer);
    this.#idleTimer = timer;
  }

  #instantiate(): Promise<CodecInstance> {
    const pending = this.#create();
    this.#stats.created++;
    // A failed instantiation is retried on the next decode rather than cached.
    pending.catch(() => this.#drop(pending));
    return pending;
  }

  #drop(instance: Promise<CodecInstance>, heapBytes = 0): void {
    if (this.#current !== instance) return;
    this.#current = undefined;
    if (heapBytes > this.#maxHeapBytes) hintGarbage(heapBytes);
  }
}
