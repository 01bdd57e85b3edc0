/**
 * Checks the FER2013 framing of {@link cropFaceGray48}: the mean of the face crops should look like
 * the mean FER2013 face. Used by `deno task bench:detect`, which prints the correlation for a few
 * framings around the default and draws FER mean | default-framing mean side by side.
 *
 * @module
 */
import { cropFaceGray48 } from "../../src/image/crop.ts";
import {
  type FaceBox,
  FER_FRAMING,
  FER_PIXELS as PIXELS,
  FER_SIZE,
  type FerFraming,
  type RgbaImage,
} from "../../src/face.ts";

/** Mean 48×48 image of the first `rows` rows of a gzipped FER2013 CSV (`emotion,pixels,Usage`). */
export async function ferMeanFace(csvGzPath: string, rows: number): Promise<Float64Array> {
  const file = await Deno.open(csvGzPath);
  const text = file.readable.pipeThrough(new DecompressionStream("gzip")).pipeThrough(
    new TextDecoderStream(),
  );
  const mean = new Float64Array(PIXELS);
  let count = 0;
  let pending = "";
  let header = true;
  const reader = text.getReader();
  while (count < rows) {
    const { value, done } = await reader.read();
    if (done) break;
    const lines = (pending + value).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (header) {
        header = false;
        continue;
      }
      if (count >= rows) break;
      const pixels = line.split(",")[1]?.split(" ");
      if (pixels?.length !== PIXELS) continue;
      for (let i = 0; i < PIXELS; i++) mean[i] += Number(pixels[i]);
      count++;
    }
  }
  await reader.cancel();
  if (count === 0) throw new Error(`no FER2013 rows in ${csvGzPath}`);
  return mean.map((v) => v / count);
}

/** Pearson correlation of two equally long arrays. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < a.length; i++) [ma, mb] = [ma + a[i], mb + b[i]];
  ma /= a.length;
  mb /= b.length;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Mean crop of `faces` under `framing`. */
export function meanCrop(
  faces: { image: RgbaImage; box: FaceBox }[],
  framing: FerFraming = FER_FRAMING,
): Float64Array {
  const mean = new Float64Array(PIXELS);
  for (const { image, box } of faces) {
    const crop = cropFaceGray48(image, box, framing);
    for (let i = 0; i < PIXELS; i++) mean[i] += crop[i] / faces.length;
  }
  return mean;
}

/** Side-by-side RGBA picture of 48×48 gray images, each scaled ×`zoom`, 4 px apart. */
export function sideBySide(images: ArrayLike<number>[], zoom = 4): RgbaImage {
  const cell = FER_SIZE * zoom;
  const width = images.length * (cell + 4) - 4;
  const data = new Uint8ClampedArray(width * cell * 4).fill(255);
  images.forEach((image, k) => {
    for (let y = 0; y < cell; y++) {
      for (let x = 0; x < cell; x++) {
        const v = image[Math.floor(y / zoom) * FER_SIZE + Math.floor(x / zoom)];
        const at = (y * width + k * (cell + 4) + x) * 4;
        data[at] = data[at + 1] = data[at + 2] = v;
      }
    }
  });
  return { width, height: cell, data };
}
