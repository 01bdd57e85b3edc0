/**
 * The `tta` query parameter of `POST /api/predict` and `POST /api/classify`: `none` (default) or
 * `flip`, which averages each face with its mirror image at twice the classification cost.
 *
 * @module
 */
import { CLASSIFY_TTA_MODES, type ClassifyTta, isClassifyTta } from "../classifier/views.ts";
import { ApiError } from "./errors.ts";

/** Parses `?tta=`: absent or empty = `none`; anything but `none`/`flip` is a 400. */
export function parseTtaQuery(value: string | undefined): ClassifyTta {
  if (value === undefined || value === "") return "none";
  if (isClassifyTta(value)) return value;
  throw new ApiError(
    400,
    "bad_query",
    `tta must be ${CLASSIFY_TTA_MODES.join(" or ")}, got "${value}"`,
  );
}
