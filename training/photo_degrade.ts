/**
 * Photo-path augmentation: what a real photo goes through before the model sees its 48x48 crop,
 * applied to FER2013 faces at random so the model learns to ignore it. A face from a small or
 * compressed photo reaches the model blurred (a 24 px face upscaled to 48), with JPEG block
 * artefacts, sensor noise, and the exposure and tone curve of its camera; FER2013's own faces are
 * comparatively uniform in all of these.
 *
 * Each degradation has its own probability, so most degraded images show one or two of them.
 * Works on the float batch buffer in place (values `pixel * scale`), after the geometric transform.
 *
 * @example
 * ```ts
 * import { degradePhotoInto } from "./photo_degrade.ts";
 * import { Rng } from "./rng.ts";
 * const batch = new Float32Array(48 * 48).fill(0.5);
 * degradePhotoInto(batch, 0, 1 / 255, new Rng(1));
 * ```
 *
 * @module
 */
import type { Rng } from "./rng.ts";
import { FER_PIXELS, FER_SIZE } from "../src/face.ts";

const SIZE = FER_SIZE;
const PIXELS = FER_PIXELS;

/** How likely each degradation is, and its range. Chosen to span what photos-dev's crops show. */
export const PHOTO_DEGRADATIONS = {
  /** Face captured at this many pixels (uniform), then upscaled to 48. */
  lowResolution: { p: 0.35, minSide: 16, maxSide: 40 },
  /** Gaussian blur sigma in pixels (defocus, motion, a soft lens). */
  blur: { p: 0.2, minSigma: 0.4, maxSigma: 1.3 },
  /** Tone: gamma (log-uniform), contrast about the mean, and a brightness shift in grey levels. */
  tone: { p: 0.7, maxGamma: 1.8, minContrast: 0.6, maxContrast: 1.4, maxShift: 25 },
  /** Gaussian sensor noise, standard deviation in grey levels. */
  noise: { p: 0.25, minSigma: 1, maxSigma: 8 },
  /** JPEG quality (libjpeg scale) of the 8x8 block quantisation. */
  jpeg: { p: 0.35, minQuality: 15, maxQuality: 85 },
} as const;

/**
 * Degrades the 48x48 image at `offset` in `dst` (values `pixel * scale`) with a random subset of
 * {@link PHOTO_DEGRADATIONS}, in the order a camera and a website would apply them.
 */
export function degradePhotoInto(dst: Float32Array, offset: number, scale: number, rng: Rng): void {
  const d = PHOTO_DEGRADATIONS;
  const img = new Float32Array(PIXELS);
  for (let i = 0; i < PIXELS; i++) img[i] = dst[offset + i] / scale;
  if (rng.next() < d.lowResolution.p) {
    const side = Math.round(rng.uniform(d.lowResolution.minSide, d.lowResolution.maxSide));
    upscaleBilinear(downscaleArea(img, side), side, img);
  }
  if (rng.next() < d.blur.p) gaussianBlur(img, rng.uniform(d.blur.minSigma, d.blur.maxSigma));
  if (rng.next() < d.tone.p) {
    const gamma = Math.exp(rng.uniform(-Math.log(d.tone.maxGamma), Math.log(d.tone.maxGamma)));
    const contrast = rng.uniform(d.tone.minContrast, d.tone.maxContrast);
    const shift = rng.uniform(-d.tone.maxShift, d.tone.maxShift);
    adjustTone(img, gamma, contrast, shift);
  }
  if (rng.next() < d.noise.p) {
    const sigma = rng.uniform(d.noise.minSigma, d.noise.maxSigma);
    for (let i = 0; i < PIXELS; i++) img[i] += sigma * gaussian(rng);
  }
  clampInPlace(img);
  if (rng.next() < d.jpeg.p) {
    jpegRoundTrip(img, Math.round(rng.uniform(d.jpeg.minQuality, d.jpeg.maxQuality)));
  }
  for (let i = 0; i < PIXELS; i++) dst[offset + i] = img[i] * scale;
}

function clampInPlace(img: Float32Array): void {
  for (let i = 0; i < img.length; i++) img[i] = img[i] < 0 ? 0 : img[i] > 255 ? 255 : img[i];
}

/** A standard normal draw (Box-Muller). */
function gaussian(rng: Rng): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** Area-averages the 48x48 image down to `side` x `side` (fractional pixel overlaps counted). */
export function downscaleArea(img: Float32Array, side: number): Float32Array {
  const out = new Float32Array(side * side);
  const step = SIZE / side;
  for (let oy = 0; oy < side; oy++) {
    const y0 = oy * step, y1 = y0 + step;
    for (let ox = 0; ox < side; ox++) {
      const x0 = ox * step, x1 = x0 + step;
      let sum = 0;
      for (let y = Math.floor(y0); y < Math.min(SIZE, Math.ceil(y1)); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.min(SIZE, Math.ceil(x1)); x++) {
          const wx = Math.min(x + 1, x1) - Math.max(x, x0);
          sum += img[y * SIZE + x] * wx * wy;
        }
      }
      // Float error can put y1 or x1 a hair past the edge: the loops stop there (the weight lost
      // is ~1e-12), rather than read outside the image.
      out[oy * side + ox] = sum / (step * step);
    }
  }
  return out;
}

/** Bilinear upscale of a `side` x `side` image to 48x48 into `out` (pixel centres aligned). */
export function upscaleBilinear(src: Float32Array, side: number, out: Float32Array): void {
  const ratio = side / SIZE;
  for (let v = 0; v < SIZE; v++) {
    const y = Math.min(side - 1, Math.max(0, (v + 0.5) * ratio - 0.5));
    const y0 = Math.floor(y), y1 = Math.min(side - 1, y0 + 1), fy = y - y0;
    for (let u = 0; u < SIZE; u++) {
      const x = Math.min(side - 1, Math.max(0, (u + 0.5) * ratio - 0.5));
      const x0 = Math.floor(x), x1 = Math.min(side - 1, x0 + 1), fx = x - x0;
      const top = src[y0 * side + x0] * (1 - fx) + src[y0 * side + x1] * fx;
      const bottom = src[y1 * side + x0] * (1 - fx) + src[y1 * side + x1] * fx;
      out[v * SIZE + u] = top * (1 - fy) + bottom * fy;
    }
  }
}

/** Separable Gaussian blur in place, edges clamped. */
export function gaussianBlur(img: Float32Array, sigma: number): void {
  const radius = Math.max(1, Math.ceil(sigma * 3));
  const kernel = new Float32Array(2 * radius + 1);
  let total = 0;
  for (let k = -radius; k <= radius; k++) {
    kernel[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));
    total += kernel[k + radius];
  }
  for (let k = 0; k < kernel.length; k++) kernel[k] /= total;
  const tmp = new Float32Array(PIXELS);
  const clamp = (i: number) => (i < 0 ? 0 : i > SIZE - 1 ? SIZE - 1 : i);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let s = 0;
      for (let k = -radius; k <= radius; k++) {
        s += kernel[k + radius] * img[y * SIZE + clamp(x + k)];
      }
      tmp[y * SIZE + x] = s;
    }
  }
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let s = 0;
      for (let k = -radius; k <= radius; k++) {
        s += kernel[k + radius] * tmp[clamp(y + k) * SIZE + x];
      }
      img[y * SIZE + x] = s;
    }
  }
}

/** Gamma curve, then contrast about the image mean, then a brightness shift (grey levels). */
export function adjustTone(img: Float32Array, gamma: number, contrast: number, shift: number) {
  let mean = 0;
  for (let i = 0; i < PIXELS; i++) {
    img[i] = 255 * Math.pow(Math.max(0, img[i]) / 255, gamma);
    mean += img[i];
  }
  mean /= PIXELS;
  for (let i = 0; i < PIXELS; i++) img[i] = (img[i] - mean) * contrast + mean + shift;
}

/** The JPEG standard's luminance quantisation table (Annex K), row-major. */
const LUMA_TABLE = [
  16,
  11,
  10,
  16,
  24,
  40,
  51,
  61,
  12,
  12,
  14,
  19,
  26,
  58,
  60,
  55,
  14,
  13,
  16,
  24,
  40,
  57,
  69,
  56,
  14,
  17,
  22,
  29,
  51,
  87,
  80,
  62,
  18,
  22,
  37,
  56,
  68,
  109,
  103,
  77,
  24,
  35,
  55,
  64,
  81,
  104,
  113,
  92,
  49,
  64,
  78,
  87,
  103,
  121,
  120,
  101,
  72,
  92,
  95,
  98,
  112,
  100,
  103,
  99,
];

/** `cos((2x + 1) u pi / 16)` scaled by the DCT-II normalisation, `[u * 8 + x]`. */
const DCT_BASIS = (() => {
  const basis = new Float32Array(64);
  for (let u = 0; u < 8; u++) {
    const c = u === 0 ? Math.SQRT1_2 : 1;
    for (let x = 0; x < 8; x++) {
      basis[u * 8 + x] = 0.5 * c * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
    }
  }
  return basis;
})();

/**
 * What a JPEG encode and decode at `quality` does to a grey image: each 8x8 block's DCT
 * coefficients rounded to the libjpeg-scaled luminance table, then transformed back.
 */
export function jpegRoundTrip(img: Float32Array, quality: number): void {
  const q = quality < 50 ? 5000 / quality : 200 - 2 * quality;
  const table = LUMA_TABLE.map((t) => Math.min(255, Math.max(1, Math.floor((t * q + 50) / 100))));
  const block = new Float32Array(64);
  const tmp = new Float32Array(64);
  for (let by = 0; by < SIZE; by += 8) {
    for (let bx = 0; bx < SIZE; bx += 8) {
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 8; x++) block[y * 8 + x] = img[(by + y) * SIZE + bx + x] - 128;
      }
      transform8x8(block, tmp, false);
      for (let k = 0; k < 64; k++) block[k] = Math.round(block[k] / table[k]) * table[k];
      transform8x8(block, tmp, true);
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 8; x++) {
          const v = block[y * 8 + x] + 128;
          img[(by + y) * SIZE + bx + x] = v < 0 ? 0 : v > 255 ? 255 : v;
        }
      }
    }
  }
}

/** Orthonormal 2-D DCT-II of an 8x8 block in place, or its inverse. */
function transform8x8(block: Float32Array, tmp: Float32Array, inverse: boolean): void {
  // Rows, then columns; the inverse uses the transposed basis.
  for (let pass = 0; pass < 2; pass++) {
    for (let r = 0; r < 8; r++) {
      for (let k = 0; k < 8; k++) {
        let s = 0;
        for (let n = 0; n < 8; n++) {
          const value = pass === 0 ? block[r * 8 + n] : block[n * 8 + r];
          s += value * (inverse ? DCT_BASIS[n * 8 + k] : DCT_BASIS[k * 8 + n]);
        }
        if (pass === 0) tmp[r * 8 + k] = s;
        else tmp[k * 8 + r] = s;
      }
    }
    block.set(tmp);
  }
}
