/**
 * A contact sheet of stored landmarks: FER images with their 128 contour points drawn on top, the
 * face-presence score under each, the most confident and the least confident faces side by side.
 * Drawn from the prepared `landmarks` feature, so it costs no model run.
 *
 * @module
 */
import { encodeBase64 } from "./base64.ts";
import type { PreparedSplit } from "../data/cache.ts";
import { encodeGrayPng } from "../data/png.ts";
import { FER_PIXELS, FER_SIZE } from "../../src/face.ts";

/** Indices of the `count` images with the highest and the `count` with the lowest presence. */
export function extremeFaces(
  split: PreparedSplit,
  count: number,
): { best: number[]; worst: number[] } {
  const values = split.features.landmarks;
  if (!values) throw new Error(`${split.split} has no landmarks feature loaded`);
  const width = values.length / split.count;
  const order = Array.from({ length: split.count }, (_, i) => i)
    .sort((a, b) => values[b * width + width - 1] - values[a * width + width - 1]);
  return { best: order.slice(0, count), worst: order.slice(-count).reverse() };
}

/** SVG sheet: one row per group, each cell the image (scaled 2x) with its points. */
export function landmarkSheetSvg(
  split: PreparedSplit,
  groups: { title: string; indices: number[] }[],
): string {
  const values = split.features.landmarks;
  if (!values) throw new Error(`${split.split} has no landmarks feature loaded`);
  const width = values.length / split.count;
  const points = (width - 1) / 2;
  const cell = 2 * FER_SIZE, pad = 8, label = 14, head = 18;
  const columns = Math.max(...groups.map((g) => g.indices.length));
  const w = pad + columns * (cell + pad);
  const rowH = head + cell + label + pad;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${
      groups.length * rowH + pad
    }" font-family="sans-serif" font-size="10">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  groups.forEach((group, g) => {
    const y0 = pad + g * rowH;
    parts.push(`<text x="${pad}" y="${y0 + 12}" font-size="12">${group.title}</text>`);
    group.indices.forEach((index, c) => {
      const x0 = pad + c * (cell + pad);
      const y = y0 + head;
      const image = split.images.subarray(index * FER_PIXELS, (index + 1) * FER_PIXELS);
      const png = encodeBase64(encodeGrayPng(image, FER_SIZE, FER_SIZE));
      parts.push(
        `<image x="${x0}" y="${y}" width="${cell}" height="${cell}" image-rendering="pixelated" href="data:image/png;base64,${png}"/>`,
      );
      const o = index * width;
      for (let p = 0; p < points; p++) {
        const px = x0 + values[o + 2 * p] * cell;
        const py = y + values[o + 2 * p + 1] * cell;
        parts.push(`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="1" fill="#00e676"/>`);
      }
      const presence = values[o + width - 1];
      parts.push(
        `<text x="${x0}" y="${y + cell + 11}">#${index} p=${presence.toFixed(2)}</text>`,
      );
    });
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

/** Images of `split` whose stored face-presence score is below `threshold`. */
export function landmarkFailures(split: PreparedSplit, threshold: number): number {
  const values = split.features.landmarks;
  if (!values) throw new Error(`${split.split} has no landmarks feature loaded`);
  const width = values.length / split.count;
  let failures = 0;
  for (let i = 0; i < split.count; i++) if (values[i * width + width - 1] < threshold) failures++;
  return failures;
}
