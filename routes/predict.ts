/**
 * `POST /api/predict`: an image (multipart field `image`, or the raw body) in; every face's box,
 * emotion and class scores out. `?detect=false` classifies the whole image as one face;
 * `?tta=flip` averages each face with its mirror image (more accurate, twice the classify time).
 * The query, the content type, the declared size and the image's signature and header are checked
 * before the request waits for an inference slot, so such refusals never queue behind predictions.
 *
 * @module
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps } from "../src/server/deps.ts";
import { limitBody } from "../src/server/body_limit.ts";
import { IMAGE_FIELD, precheckImage, readImageUpload } from "../src/server/upload.ts";
import { predictImage } from "../src/server/predict_image.ts";
import { type HeavyWork, yieldingModels } from "../src/server/heavy.ts";
import { PredictAnswer } from "./schemas.ts";
import { errorResponses, HEAVY_CODES } from "./error_responses.ts";
import { PredictQuery, refuseBadInput } from "./query.ts";

const RAW_IMAGE = {
  schema: { type: "string" as const, description: "The image file's bytes" },
};

/** `POST /api/predict`, as the OpenAPI document describes it (the path is relative to `/api`). */
export const predictRoute = createRoute({
  method: "post",
  path: "/predict",
  tags: ["predict"],
  summary: "Find and classify every face in an image",
  description: "JPEG, PNG or WebP (EXIF orientation applied), as multipart field `image` " +
    "(`curl -F image=@photo.jpg`) or as the raw body. The body limit, content type, signature " +
    "and header size are checked before the request queues for the single inference slot.",
  request: {
    query: PredictQuery,
    body: {
      required: true,
      content: {
        "multipart/form-data": {
          schema: {
            type: "object",
            properties: {
              [IMAGE_FIELD]: {
                type: "string",
                format: "binary",
                description: "The image file (JPEG, PNG or WebP)",
              },
            },
            required: [IMAGE_FIELD],
          },
        },
        "image/jpeg": RAW_IMAGE,
        "image/png": RAW_IMAGE,
        "image/webp": RAW_IMAGE,
        "application/octet-stream": RAW_IMAGE,
      },
    },
  },
  responses: {
    200: {
      description: "The faces found (possibly none)",
      content: { "application/json": { schema: PredictAnswer } },
    },
    ...errorResponses(
      "bad_query",
      "bad_multipart",
      "missing_image",
      "empty_image",
      "empty_body",
      "unreadable_body",
      "method_not_allowed",
      "body_too_large",
      "image_too_large",
      "unsupported_media_type",
      "unsupported_format",
      "invalid_dimensions",
      "extreme_aspect_ratio",
      "undecodable_image",
      ...HEAVY_CODES,
    ),
  },
});

/** Routes for image prediction, mounted at `/api`; the work runs through `heavy`. */
export function predictRoutes(deps: AppDeps, heavy: HeavyWork) {
  const models = yieldingModels(deps);
  const route = { ...predictRoute, middleware: [limitBody(deps.limits.maxBodyBytes)] };
  return new OpenAPIHono({ defaultHook: refuseBadInput }).openapi(route, async (c) => {
    const { detect, tta } = c.req.valid("query");
    const upload = await readImageUpload(c.req);
    precheckImage(upload, deps.limits.maxPixels);
    const result = await heavy.run(() =>
      predictImage(upload.bytes, models, {
        detect,
        maxPixels: deps.limits.maxPixels,
        contentType: upload.contentType,
        tta,
      }), () => c.req.raw.signal);
    return c.json({
      faces: result.faces,
      image: result.image,
      tta: result.tta,
      model: { name: deps.model.name, version: deps.model.version },
      timingsMs: result.timingsMs,
    }, 200);
  });
}
