/**
 * On-the-fly augmentation of 48x48 grayscale faces: one random affine transform per image (flip,
 * rotation, zoom, shift) applied by inverse mapping with bilinear sampling, writing straight into the
 * float batch buffer, then optionally random erasing (a noise rectangle). Pure JS on the CPU: a
 * 64-image batch costs well under a millisecond, far below a training step, and it keeps
 * augmentation independent of the tensor backend.
 *
 * @module
 */
import type { AugmentConfig } from "./config.ts";
import type { Rng } from "./rng.ts";
import { degradePhotoInto } from "./photo_degrade.ts";
import { FER_SIZE } from "../src/face.ts";

const SIZE = FER_SIZE;
const CENTER = (SIZE - 1) / 2;

/**
 * Writes image `src` (48*48 uint8) into `dst` at `offset` as floats `pixel * scale`, transformed by
 * a random affine map drawn from `rng` within `config`'s limits, then erased at random when
 * `config.erase` is set, after photo-path degradation when `config.photo` is set. With either off
 * it draws no extra random numbers, so runs from before the options existed replay the same
 * augmentation stream.
 */
export function augmentInto(
  src: Uint8Array,
  dst: Float32Array,
  offset: number,
  scale: number,
  config: AugmentConfig,
  rng: Rng,
): void {
  transformInto(src, dst, offset, scale, {
    flip: config.flip && rng.next() < 0.5,
    angleDegrees: rng.uniform(-config.rotate, config.rotate),
    zoom: 1 + rng.uniform(-config.scale, config.scale),
    dx: rng.uniform(-config.shift, config.shift),
    dy: rng.uniform(-config.shift, config.shift),
  });
  const photo = config.photo ?? 0;
  if (photo > 0 && rng.next() < photo) degradePhotoInto(dst, offset, scale, rng);
  const erase = config.erase ?? 0;
  if (erase > 0 && rng.next() < erase) eraseRandomRectangle(dst, offset, scale, rng);
}

/** Smallest and largest erased area, as fractions of the face (Zhong et al. use 0.02-0.4). */
const ERASE_AREA = [0.02, 0.25] as const;
/** Largest aspect ratio of the erased rectangle, either way. */
const ERASE_ASPECT = 3;

/**
 * Fills one random rectangle of the 48x48 image at `offset` in `dst` with uniform noise in
 * [0, 255 * scale]: its area a random fraction of {@link ERASE_AREA}, its aspect ratio log-uniform
 * up to {@link ERASE_ASPECT}:1 either way, clipped to the image. Noise rather than a flat colour,
 * so the network cannot learn to recognise and ignore the patch.
 */
export function eraseRandomRectangle(
  dst: Float32Array,
  offset: number,
  scale: number,
  rng: Rng,
): void {
  const area = rng.uniform(ERASE_AREA[0], ERASE_AREA[1]) * SIZE * SIZE;
  const aspect = Math.exp(rng.uniform(-Math.log(ERASE_ASPECT), Math.log(ERASE_ASPECT)));
  const height = Math.min(SIZE, Math.max(1, Math.round(Math.sqrt(area * aspect))));
  const width = Math.min(SIZE, Math.max(1, Math.round(Math.sqrt(area / aspect))));
  const top = Math.floor(rng.next() * (SIZE - height + 1));
  const left = Math.floor(rng.next() * (SIZE - width + 1));
  for (let v = top; v < top + height; v++) {
    for (let u = left; u < left + width; u++) dst[offset + v * SIZE + u] = rng.next() * 255 * scale;
  }
}

/** One affine transform of a face image. */
export interface Transform {
  /** Mirror left-right. */
  flip: boolean;
  /** Rotation in degrees (counter-clockwise). */
  angleDegrees: number;
  /** Zoom factor (> 1 magnifies). */
  zoom: number;
  /** Shift right in pixels. */
  dx: number;
  /** Shift down in pixels. */
  dy: number;
}

/**
 * Writes `src` transformed by `t` into `dst` at `offset` as `pixel * scale`, by inverse mapping with
 * bilinear sampling; samples outside the source take the nearest edge value, which looks less
 * artificial than black borders on faces.
 */
export function transformInto(
  src: Uint8Array,
  dst: Float32Array,
  offset: number,
  scale: number,
  t: Transform,
): void {
  const angle = (t.angleDegrees * Math.PI) / 180;
  // Inverse map: output (u, v) -> source (x, y) = R(-angle) * ((u, v) - center - shift) / zoom + center.
  const cos = Math.cos(angle) / t.zoom;
  const sin = Math.sin(angle) / t.zoom;
  for (let v = 0; v < SIZE; v++) {
    const ry = v - CENTER - t.dy;
    for (let u = 0; u < SIZE; u++) {
      const rx = (t.flip ? SIZE - 1 - u : u) - CENTER - t.dx;
      let x = cos * rx + sin * ry + CENTER;
      let y = -sin * rx + cos * ry + CENTER;
      x = x < 0 ? 0 : x > SIZE - 1 ? SIZE - 1 : x;
      y = y < 0 ? 0 : y > SIZE - 1 ? SIZE - 1 : y;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const x1 = x0 < SIZE - 1 ? x0 + 1 : x0;
      const y1 = y0 < SIZE - 1 ? y0 + 1 : y0;
      const fx = x - x0;
      const fy = y - y0;
      const top = src[y0 * SIZE + x0] * (1 - fx) + src[y0 * SIZE + x1] * fx;
      const bottom = src[y1 * SIZE + x0] * (1 - fx) + src[y1 * SIZE + x1] * fx;
      dst[offset + v * SIZE + u] = (top * (1 - fy) + bottom * fy) * scale;
    }
  }
}

/**
 * The ten views of ten-crop test-time augmentation: the centre and four corner crops (a 1.1x zoom
 * shifted by 3 px towards each corner), each also mirrored.
 */
export const TEN_CROP: readonly Transform[] = [[0, 0], [-3, -3], [3, -3], [-3, 3], [3, 3]]
  .flatMap(([dx, dy]) =>
    [false, true].map((flip) => ({ flip, angleDegrees: 0, zoom: 1.1, dx, dy }))
  );

/** Copies image `src` into `dst` at `offset` as `pixel * scale`, optionally mirrored. */
export function copyInto(
  src: Uint8Array,
  dst: Float32Array,
  offset: number,
  scale: number,
  mirror = false,
): void {
  for (let v = 0; v < SIZE; v++) {
    for (let u = 0; u < SIZE; u++) {
      dst[offset + v * SIZE + u] = src[v * SIZE + (mirror ? SIZE - 1 - u : u)] * scale;
    }
  }
}

/** Whether a config changes images at all. */
export function augmentsAnything(config: AugmentConfig): boolean {
  return config.flip || config.shift > 0 || config.rotate > 0 || config.scale > 0 ||
    (config.erase ?? 0) > 0 || (config.photo ?? 0) > 0;
}
