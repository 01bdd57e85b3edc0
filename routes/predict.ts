/**
 * `POST /api/predict`: an image (multipart field `image`, or the raw body) in; every face's box,
 * emotion and class scores out. `?detect=false` classifies the whole image as one face;
 * `?tta=flip` averages each face with its mirror image (more accurate, twice the classify time).
 * The query, the content type, the declared size and the image's signature and header are checked
 * before the request waits for an inference slot, so such refusals never queue behind predictions.
 *
 * @module
 */
import { Hono } from "hono";
import type { AppDeps } from "../src/server/deps.ts";
import { ApiError } from "../src/server/errors.ts";
import { limitBody } from "../src/server/body_limit.ts";
import { precheckImage, readImageUpload } from "../src/server/upload.ts";
import { predictImage } from "../src/server/predict_image.ts";
import { parseTtaQuery } from "../src/server/tta_query.ts";
import { type HeavyWork, yieldingModels } from "../src/server/heavy.ts";

/** Parses the `detect` query flag: absent/`true`/`1` = detect, `false`/`0` = whole image. */
export function parseDetectFlag(value: string | undefined): boolean {
  if (value === undefined || value === "" || value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw new ApiError(400, "bad_query", `detect must be true or false, got "${value}"`);
}

/** Routes for image prediction, mounted at `/api`; the work runs through `heavy`. */
export function predictRoutes(deps: AppDeps, heavy: HeavyWork): Hono {
  const models = yieldingModels(deps);
  return new Hono().post("/predict", limitBody(deps.limits.maxBodyBytes), async (c) => {
    const detect = parseDetectFlag(c.req.query("detect"));
    const tta = parseTtaQuery(c.req.query("tta"));
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
    });
  });
}
