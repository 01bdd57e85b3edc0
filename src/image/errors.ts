/**
 * The error type for images a client sent that cannot be used, carrying the HTTP status and a
 * machine-readable code so that routes can map it to a response without parsing messages.
 *
 * @module
 */

/** HTTP statuses an {@link ImageInputError} maps to. */
export type ImageInputStatus = 400 | 413 | 415 | 422;

/** Machine-readable reasons an image was refused. */
export type ImageInputCode =
  | "empty_image"
  | "unsupported_format"
  | "image_too_large"
  | "invalid_dimensions"
  | "extreme_aspect_ratio"
  | "undecodable_image";

/** An image that was refused; `status` is the HTTP status to answer with. */
export class ImageInputError extends Error {
  /** HTTP status: 400 empty, 413 too many pixels, 415 not JPEG/PNG/WebP, 422 corrupt. */
  status: ImageInputStatus;
  /** Machine-readable reason, stable across message wording changes. */
  code: ImageInputCode;

  /** Creates the error; `message` should say what was wrong with the input. */
  constructor(
    status: ImageInputStatus,
    code: ImageInputCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "ImageInputError";
    this.status = status;
    this.code = code;
  }
}
