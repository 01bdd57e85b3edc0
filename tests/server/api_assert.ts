/**
 * What every API answer must look like, shared by the route tests: a face is a distribution over the
 * labels with its argmax named, an error is JSON with a code and a readable message.
 *
 * @module
 */
import { assertAlmostEquals, assertEquals, assertOk } from "../assert.ts";
import type { Hono } from "hono";

/** The shipped label order. */
export const LABELS = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"];

/** One face as the API answers it. */
export interface Face {
  box: { x: number; y: number; width: number; height: number };
  emotion: string;
  confidence: number;
  scores: Record<string, number>;
}

/** A POST through `app.request`, with a content type when one is given. */
export function postTo(
  app: Hono,
  path: string,
  body: BodyInit | Uint8Array | null,
  contentType?: string,
): Promise<Response> {
  const headers = contentType ? { "content-type": contentType } : undefined;
  return Promise.resolve(app.request(path, { method: "POST", body: body as BodyInit, headers }));
}

/** Checks that `face.scores` is a distribution over the labels and `emotion` is its argmax. */
export function assertWellFormed(face: Face): void {
  assertScoresOver(face, LABELS);
}

/**
 * Checks that `face.scores` is a distribution over `labels` (8 for a FER+ model), keyed in their
 * order, and `emotion` is its argmax.
 */
export function assertScoresOver(face: Face, labels: readonly string[]): void {
  assertEquals(Object.keys(face.scores), [...labels]);
  const values = Object.values(face.scores);
  // Rounded to 4 decimals: each rounding moves the sum by up to 5e-5 (8 of them: 4e-4).
  assertAlmostEquals(values.reduce((a, b) => a + b, 0), 1, labels.length * 5e-5);
  assertEquals(face.confidence, Math.max(...values));
  assertEquals(face.scores[face.emotion], face.confidence);
}

/** Checks that `response` is a JSON error with this status and code and a real message. */
export async function assertError(
  response: Response,
  status: number,
  code: string,
): Promise<void> {
  const body = await response.json();
  assertEquals(
    [response.status, body.code],
    [status, code],
    `expected ${status} ${code}, got ${response.status} ${JSON.stringify(body)}`,
  );
  assertEquals(response.headers.get("content-type"), "application/json");
  assertOk(typeof body.error === "string" && body.error.length > 10, `message: ${body.error}`);
}
