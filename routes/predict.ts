/**
 * `POST /api/predict`: an image (multipart field `image`, or the raw body) in; every face's box,
 * emotion and class scores out. `?detect=false` classifies the whole image as one face;
 * `?tta=flip` averages each face with its mirror image (more accurate, twice the classify time).
 *
 * @module
 */
import { Hono } from "hono";
import type { AppDeps } from "../src/server/deps.ts";
import { ApiError } from "../src/server/errors.ts";
import { limitBody } from "../src/server/body_limit.ts";
import { readImageUpload } from "../src/server/upload.ts";
import { predictImage } from "../src/server/predict_image.ts";
import { parseTtaQuery } from "../src/server/tta_query.ts";

/** Parses the `detect` query flag: absent/`true`/`1` = detect, `false`/`0` = whole image. */
export function parseDetectFlag(value: string | undefined): boolean {
  if (value === undefined || value === "" || value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw new ApiError(400, "bad_query", `detect must be true or false, got "${value}"`);
}

/** Routes for image prediction, mounted at `/api`. */
export function predictRoutes(deps: AppDeps): Hono {
  return new Hono().post("/predict", limitBody(deps.limits.maxBodyBytes), async (c) => {
    const detect = parseDetectFlag(c.req.query("detect"));
    const tta = parseTtaQuery(c.req.query("tta"));
    const upload = await readImageUpload(c.req);
    const result = await predictImage(upload.bytes, deps, {
      detect,
      maxPixels: deps.limits.maxPixels,
      contentType: upload.contentType,
      tta,
    });
    return c.json({
      faces: result.faces,
      image: result.image,
      tta: result.tta,
      model: { name: deps.model.name, version: deps.model.version },
      timingsMs: result.timingsMs,
    });
  });
}
