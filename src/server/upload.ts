/**
 * Reads the image a client uploaded: a `multipart/form-data` field named `image` (what
 * `curl -F image=@photo.jpg` sends) or the raw request body with an image content type, and refuses
 * what its first bytes already rule out, before the request queues for an inference slot.
 *
 * @module
 */
import type { HonoRequest } from "hono";
import { ApiError } from "./errors.ts";
import { readBody } from "./read_body.ts";
import { ImageInputError } from "../image/errors.ts";
import { sniffImageHeader } from "../image/sniff.ts";
import { checkImageHeader, DEFAULT_MAX_ASPECT_RATIO } from "../image/limits.ts";

/** An uploaded image's bytes and its declared media type. */
export interface ImageUpload {
  /** The file's bytes. */
  bytes: Uint8Array;
  /** The declared media type, if any (the bytes' signature still decides the format). */
  contentType?: string;
}

/** Name of the multipart form field that carries the image. */
export const IMAGE_FIELD = "image";

/** Media type of a header value without parameters, lower-cased; `""` when absent. */
export function mediaType(header: string | undefined): string {
  return (header ?? "").split(";")[0].trim().toLowerCase();
}

/** Whether a raw body with this media type may hold an image. */
function acceptsRaw(type: string): boolean {
  return type === "" || type === "application/octet-stream" || type.startsWith("image/");
}

/**
 * Extracts the uploaded image from `req`.
 *
 * @throws {ApiError} 400 for an empty body, a malformed form or a missing `image` field; 415 for a
 * raw body whose content type cannot be an image (e.g. `application/json`).
 */
export async function readImageUpload(req: HonoRequest): Promise<ImageUpload> {
  const type = mediaType(req.header("content-type"));
  if (type === "multipart/form-data") {
    let form: FormData;
    try {
      form = await req.formData();
    } catch (error) {
      throw new ApiError(
        400,
        "bad_multipart",
        `malformed multipart body: ${(error as Error).message}`,
      );
    }
    const file = form.get(IMAGE_FIELD);
    if (!(file instanceof File)) {
      throw new ApiError(
        400,
        "missing_image",
        `the form has no file field "${IMAGE_FIELD}" (send e.g. curl -F ${IMAGE_FIELD}=@photo.jpg)`,
      );
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (bytes.length === 0) {
      throw new ApiError(400, "empty_image", `the "${IMAGE_FIELD}" file is empty`);
    }
    return { bytes, contentType: file.type || undefined };
  }
  if (!acceptsRaw(type)) {
    throw new ApiError(
      415,
      "unsupported_media_type",
      `cannot read an image from a ${type} body; send multipart/form-data with a field ` +
        `"${IMAGE_FIELD}" or the raw image as image/jpeg, image/png or image/webp`,
    );
  }
  const bytes = new Uint8Array(await readBody(() => req.arrayBuffer()));
  if (bytes.length === 0) throw new ApiError(400, "empty_body", "the request body is empty");
  return { bytes, contentType: type || undefined };
}

/** Declared image types the decoder reads; another `image/*` type is refused. */
const DECODABLE_TYPES = new Set(["image/jpeg", "image/jpg", "image/png", "image/webp"]);

/**
 * The cheap checks of an upload, run before it waits for an inference slot so that a refusal never
 * queues behind predictions: the declared type, the file signature, the header's dimensions against
 * `maxPixels`, and (one pass over the bytes) that a JPEG is not cut off. Decoding repeats them (and
 * does the rest) inside the slot.
 *
 * @throws {ImageInputError} 400 empty, 413 over `maxPixels`, 415 not JPEG/PNG/WebP, 422 a corrupt
 * header, an empty size or a truncated JPEG.
 */
export function precheckImage(upload: ImageUpload, maxPixels: number): void {
  const type = mediaType(upload.contentType);
  if (type.startsWith("image/") && !DECODABLE_TYPES.has(type)) {
    throw new ImageInputError(
      415,
      "unsupported_format",
      `${type} is not supported; send image/jpeg, image/png or image/webp`,
    );
  }
  // The decoder's own header rules (size, aspect ratio, JPEG kind and completeness), run here so
  // that a refusal never waits in the queue behind predictions.
  checkImageHeader(upload.bytes, sniffImageHeader(upload.bytes), {
    maxPixels,
    maxAspectRatio: DEFAULT_MAX_ASPECT_RATIO,
  });
}
