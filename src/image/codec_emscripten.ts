/**
 * Instances of the Emscripten-built decoders of `@jsquash/jpeg` (mozjpeg) and `@jsquash/webp`
 * (libwebp). Each instance is a new Emscripten module over one compiled WebAssembly module, so it
 * is cheap to replace. What the codec prints (libjpeg's error and warning messages) is captured per
 * decode instead of going to stderr, so that it can be logged with the request it belongs to and
 * read for warnings.
 *
 * @module
 */
import mozjpegDecoder from "@jsquash/jpeg/codec/dec/mozjpeg_dec.js";
import webpDecoder from "@jsquash/webp/codec/dec/webp_dec.js";
import type { CodecInstance, DecodedPixels } from "./codec_slot.ts";

/** The `ImageData` the decoders return, 8-bit RGBA. */
interface RgbaImageData {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** The part of an Emscripten decoder module that is used here. */
interface EmscriptenDecoder {
  decode(data: BufferSource, preserveOrientation?: boolean): RgbaImageData | null;
  HEAPU8: Uint8Array;
}

type EmscriptenFactory = (options: Record<string, unknown>) => Promise<EmscriptenDecoder>;

/** Most output lines kept per decode (libjpeg prints one warning, then only errors). */
const MAX_OUTPUT_LINES = 8;

const compiled = new Map<string, Promise<WebAssembly.Module>>();

function compiledModule(wasmUrl: URL): Promise<WebAssembly.Module> {
  let pending = compiled.get(wasmUrl.href);
  if (!pending) {
    pending = Deno.readFile(wasmUrl).then((bytes) => WebAssembly.compile(bytes));
    pending.catch(() => compiled.delete(wasmUrl.href));
    compiled.set(wasmUrl.href, pending);
  }
  return pending;
}

async function createInstance(
  factory: EmscriptenFactory,
  wasmUrl: URL,
  decode: (module: EmscriptenDecoder, buffer: ArrayBuffer) => RgbaImageData | null,
): Promise<CodecInstance> {
  const wasm = await compiledModule(wasmUrl);
  const output: string[] = [];
  const print = (line: string) => {
    if (output.length < MAX_OUTPUT_LINES) output.push(line);
  };
  const module = await factory({
    noInitialRun: true,
    print,
    printErr: print,
    instantiateWasm(
      imports: WebAssembly.Imports,
      receive: (instance: WebAssembly.Instance) => void,
    ) {
      const instance = new WebAssembly.Instance(wasm, imports);
      receive(instance);
      return instance.exports;
    },
  });
  return {
    decode(bytes: Uint8Array): DecodedPixels {
      output.length = 0;
      // Embind copies the input into wasm memory; it wants a standalone buffer.
      const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
        ? bytes.buffer as ArrayBuffer
        : bytes.slice().buffer;
      const image = decode(module, buffer);
      if (!image) throw new Error("the decoder returned no image");
      return {
        width: image.width,
        height: image.height,
        data: image.data,
        warnings: [...output],
      };
    },
    heapBytes: () => module.HEAPU8.byteLength,
    lastOutput: () => [...output],
  };
}

const jsquashFile = (specifier: string, path: string) =>
  new URL(path, import.meta.resolve(specifier));

/** Creates a fresh mozjpeg decoder instance (EXIF orientation is left to the caller). */
export function createJpegInstance(): Promise<CodecInstance> {
  return createInstance(
    mozjpegDecoder as unknown as EmscriptenFactory,
    jsquashFile("@jsquash/jpeg/decode.js", "codec/dec/mozjpeg_dec.wasm"),
    (module, buffer) => module.decode(buffer, false),
  );
}

/** Creates a fresh libwebp decoder instance. */
export function createWebpInstance(): Promise<CodecInstance> {
  return createInstance(
    webpDecoder as unknown as EmscriptenFactory,
    jsquashFile("@jsquash/webp/decode.js", "codec/dec/webp_dec.wasm"),
    (module, buffer) => module.decode(buffer),
  );
}
