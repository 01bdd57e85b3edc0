/**
 * The canary: valid requests whose answers must not change during a fuzz run. The face photo as
 * JPEG and as PNG through `POST /api/predict` (decoders, detector, classifier) and a two-face
 * `POST /api/classify` batch (classifier alone). A bad input after which any of them answers
 * differently has poisoned the server.
 *
 * @module
 */
import type { FuzzAssets, FuzzCase } from "./cases.ts";
import type { FuzzResponse, Target } from "./targets.ts";

/** One canary request and the answer it gave at the start. */
export interface CanaryCheck {
  name: string;
  request: FuzzCase;
}

/** What a canary answered: status plus the parts of the body that must not change. */
export type CanaryFingerprint = string;

/** Two fixed 48x48 faces for the classify canary. */
function classifyFaces(): Uint8Array {
  const out = new Uint8Array(2 * 2304);
  for (let i = 0; i < 2304; i++) {
    out[i] = ((i % 48) * 5) & 255;
    out[2304 + i] = (Math.floor(i / 48) * 5) & 255;
  }
  return out;
}

/** The canary requests for `assets`. */
export function canaryChecks(assets: FuzzAssets): CanaryCheck[] {
  const base = { generator: "canary", expect: "any" as const };
  return [
    {
      name: "face.jpg",
      request: {
        ...base,
        label: "canary face.jpg",
        method: "POST",
        path: "/api/predict",
        headers: { "content-type": "image/jpeg" },
        body: assets.faceJpeg,
      },
    },
    {
      name: "face.png",
      request: {
        ...base,
        label: "canary face.png",
        method: "POST",
        path: "/api/predict",
        headers: { "content-type": "image/png" },
        body: assets.facePng,
      },
    },
    {
      name: "classify",
      request: {
        ...base,
        label: "canary classify",
        method: "POST",
        path: "/api/classify",
        headers: { "content-type": "application/octet-stream" },
        body: classifyFaces(),
      },
    },
  ];
}

/** The status and faces (boxes, emotions, scores) of an answer; timings are left out. */
export function fingerprint(response: FuzzResponse): CanaryFingerprint {
  if (response.status !== 200) return `${response.status} ${response.body.slice(0, 200)}`;
  try {
    return `200 ${JSON.stringify(JSON.parse(response.body).faces)}`;
  } catch {
    return `200 (not JSON) ${response.body.slice(0, 200)}`;
  }
}

/** The canary's expected answers, taken at the start of a run. */
export interface CanaryBaseline {
  checks: CanaryCheck[];
  expected: CanaryFingerprint[];
}

/**
 * Sends each canary twice (the first warms up every path) and keeps the answers. Throws when a
 * canary fails or the photo's face is not found: nothing could be measured against it.
 */
export async function takeBaseline(target: Target, assets: FuzzAssets): Promise<CanaryBaseline> {
  const checks = canaryChecks(assets);
  const expected: CanaryFingerprint[] = [];
  for (const check of checks) {
    await target.send(check.request);
    const answer = await target.send(check.request);
    const print = fingerprint(answer);
    if (answer.status !== 200 || print === "200 []") {
      throw new Error(`canary ${check.name} is not usable at the start: ${print}`);
    }
    expected.push(print);
  }
  return { checks, expected };
}

/** A canary that answered differently from the baseline. */
export interface CanaryMismatch {
  name: string;
  expected: CanaryFingerprint;
  got: CanaryFingerprint;
}

/** Sends every canary; returns those that differ from the baseline (empty: not poisoned). */
export async function checkCanary(
  target: Target,
  baseline: CanaryBaseline,
): Promise<CanaryMismatch[]> {
  const mismatches: CanaryMismatch[] = [];
  for (let i = 0; i < baseline.checks.length; i++) {
    const got = fingerprint(await target.send(baseline.checks[i].request));
    if (got !== baseline.expected[i]) {
      mismatches.push({ name: baseline.checks[i].name, expected: baseline.expected[i], got });
    }
  }
  return mismatches;
}
