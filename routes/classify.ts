/**
 * `POST /api/classify`: a batch of pre-cropped 48x48 grayscale faces (the camera page's crops) in,
 * scores per face out. Bodies: `application/octet-stream` with the faces' 2304 bytes back to back
 * (compact; the count follows from the length), or JSON `{ "faces": [...] }` where each face is a
 * base64 string of its 2304 bytes or an array of 2304 integers 0..255. `?tta=flip` averages each
 * face with its mirror image. The body is read and checked in full before the request waits for an
 * inference slot; only the classification runs in the slot.
 *
 * @module
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps } from "../src/server/deps.ts";
import { ApiError } from "../src/server/errors.ts";
import { readBody } from "../src/server/read_body.ts";
import { limitBody } from "../src/server/body_limit.ts";
import { mediaType } from "../src/server/upload.ts";
import { splitFaces } from "../src/classifier/preprocess.ts";
import { roundFaceScores } from "../src/classifier/postprocess.ts";
import type { HeavyWork } from "../src/server/heavy.ts";
import { FER_SIZE } from "../src/face.ts";
import { ClassifyAnswer } from "./schemas.ts";
import { errorResponses, HEAVY_CODES } from "./error_responses.ts";
import { ClassifyQuery, refuseBadInput } from "./query.ts";

/** Bytes of one face: 48x48 gray. */
const FACE_BYTES = FER_SIZE * FER_SIZE;

/** `POST /api/classify`, as the OpenAPI document describes it (the path is relative to `/api`). */
export const classifyRoute = createRoute({
  method: "post",
  path: "/classify",
  tags: ["classify"],
  summary: "Classify a batch of pre-cropped 48x48 gray faces",
  description: `What the camera page sends: 1..MAX_CLASSIFY_FACES (64) faces of ${FACE_BYTES} ` +
    "bytes (48x48 gray, row by row). The body is read and checked in full before the request " +
    "queues for the inference slot.",
  request: {
    query: ClassifyQuery,
    body: {
      required: true,
      content: {
        "application/octet-stream": {
          schema: {
            type: "string",
            description: `The faces' bytes back to back: ${FACE_BYTES} bytes a face`,
          },
        },
        "application/json": {
          schema: {
            type: "object",
            properties: {
              faces: {
                type: "array",
                minItems: 1,
                items: {
                  oneOf: [
                    {
                      type: "string",
                      contentEncoding: "base64",
                      description: `A face's ${FACE_BYTES} bytes in base64`,
                    },
                    {
                      type: "array",
                      items: { type: "integer", minimum: 0, maximum: 255 },
                      minItems: FACE_BYTES,
                      maxItems: FACE_BYTES,
                    },
                  ],
                },
              },
            },
            required: ["faces"],
          },
        },
      },
    },
  },
  responses: {
    200: {
      description: "Scores per face, in request order",
      content: { "application/json": { schema: ClassifyAnswer } },
    },
    ...errorResponses(
      "bad_query",
      "bad_json",
      "bad_face",
      "bad_face_size",
      "bad_batch_size",
      "unreadable_body",
      "method_not_allowed",
      "body_too_large",
      "too_many_faces",
      "unsupported_media_type",
      ...HEAVY_CODES,
    ),
  },
});

/** Decodes one JSON face (base64 string or byte array) to its bytes. */
function jsonFace(value: unknown, index: number, faceBytes: number): Uint8Array {
  let bytes: Uint8Array;
  if (typeof value === "string") {
    let binary: string;
    try {
      binary = atob(value);
    } catch {
      throw new ApiError(400, "bad_face", `faces[${index}] is not valid base64`);
    }
    bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  } else if (Array.isArray(value)) {
    if (!value.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) {
      throw new ApiError(400, "bad_face", `faces[${index}] must hold integers 0..255`);
    }
    bytes = Uint8Array.from(value as number[]);
  } else {
    throw new ApiError(400, "bad_face", `faces[${index}] must be a base64 string or a byte array`);
  }
  if (bytes.length !== faceBytes) {
    throw new ApiError(
      400,
      "bad_face_size",
      `faces[${index}] has ${bytes.length} bytes, a 48x48 grayscale face has ${faceBytes}`,
    );
  }
  return bytes;
}

/** Refuses empty batches (400) and batches over the limit (413). */
function checkCount(count: number, max: number): void {
  if (count === 0) throw new ApiError(400, "bad_batch_size", "the batch has no faces");
  if (count > max) {
    throw new ApiError(413, "too_many_faces", `${count} faces; at most ${max} a request`);
  }
}

/** Reads the faces of a JSON body `{ faces: [...] }`. */
async function readJsonFaces(
  req: Request,
  faceBytes: number,
  maxFaces: number,
): Promise<Uint8Array[]> {
  let body: unknown;
  try {
    body = await req.json();
  } catch (error) {
    throw new ApiError(400, "bad_json", `the body is not valid JSON: ${(error as Error).message}`);
  }
  const faces = (body as { faces?: unknown })?.faces;
  if (!Array.isArray(faces)) {
    throw new ApiError(400, "bad_json", 'expected a JSON object { "faces": [...] }');
  }
  // Count first, so an oversized batch is refused before any face is decoded.
  checkCount(faces.length, maxFaces);
  return faces.map((face, i) => jsonFace(face, i, faceBytes));
}

/** Reads the faces of a compact binary body. */
async function readBinaryFaces(req: Request, faceBytes: number): Promise<Uint8Array[]> {
  const bytes = new Uint8Array(await readBody(() => req.arrayBuffer()));
  try {
    return splitFaces(bytes, faceBytes);
  } catch (error) {
    throw new ApiError(400, "bad_batch_size", (error as Error).message);
  }
}

/** Routes for batch classification, mounted at `/api`; the work runs through `heavy`. */
export function classifyRoutes(deps: AppDeps, heavy: HeavyWork) {
  const { faceBytes } = deps.classifier;
  const route = { ...classifyRoute, middleware: [limitBody(deps.limits.maxBodyBytes)] };
  return new OpenAPIHono({ defaultHook: refuseBadInput }).openapi(route, async (c) => {
    const { tta } = c.req.valid("query");
    const type = mediaType(c.req.header("content-type"));
    let faces: Uint8Array[];
    if (type === "application/json") {
      faces = await readJsonFaces(c.req.raw, faceBytes, deps.limits.maxClassifyFaces);
    } else if (type === "application/octet-stream" || type === "") {
      faces = await readBinaryFaces(c.req.raw, faceBytes);
    } else {
      throw new ApiError(
        415,
        "unsupported_media_type",
        `send application/octet-stream (faces back to back) or application/json, not ${type}`,
      );
    }
    checkCount(faces.length, deps.limits.maxClassifyFaces);
    const { results, ms } = await heavy.run(async () => {
      const started = performance.now();
      const results = await deps.classifier.classify(faces, { tta });
      return { results, ms: performance.now() - started };
    }, () => c.req.raw.signal);
    const classify = Math.round(ms * 100) / 100;
    return c.json({
      faces: results.map((face) => roundFaceScores(face)),
      tta,
      model: { name: deps.model.name, version: deps.model.version },
      timingsMs: { classify },
    }, 200);
  });
}
