/**
 * The query parameters of `POST /api/predict` and `POST /api/classify` as zod schemas: Hono's
 * validator checks them before a handler runs, the OpenAPI document describes them from the same
 * schemas, and {@link refuseBadInput} turns a refusal into the API's 400 `bad_query`.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import type { Hook } from "@hono/zod-openapi";
import { CLASSIFY_TTA_MODES, type ClassifyTta, isClassifyTta } from "../src/classifier/views.ts";
import { ApiError } from "../src/server/errors.ts";

/**
 * An enum-valued query parameter whose refusal names the parameter, what it takes and what it got
 * (a parameter given twice arrives as an array, and is refused as such).
 */
function choice<const T extends readonly string[]>(name: string, values: T, expected: string) {
  return z.enum(values, {
    error: (issue) =>
      Array.isArray(issue.input)
        ? `${name} is given ${issue.input.length} times; give it once`
        : `${name} must be ${expected}, got "${issue.input}"`,
  });
}

/** `?tta=`: absent or empty = `none`; `flip` averages each face with its mirror image. */
export const TtaParam = choice("tta", [...CLASSIFY_TTA_MODES, ""], CLASSIFY_TTA_MODES.join(" or "))
  .optional()
  .transform((value): ClassifyTta => isClassifyTta(value) ? value : "none")
  .openapi({
    description: "Test-time views: `flip` averages each face with its mirror image (twice the " +
      "classification time, free for a mirror-tied model); absent or empty = `none`.",
    example: "flip",
  });

/** `?detect=`: absent, empty, `true` or `1` = find faces; `false` or `0` = one whole-image face. */
export const DetectParam = choice("detect", ["true", "false", "1", "0", ""], "true or false")
  .optional()
  .transform((value) => value !== "false" && value !== "0")
  .openapi({
    description: "`false` (or `0`) classifies the whole image as one pre-cropped face; absent, " +
      "empty, `true` or `1` finds the faces first.",
    example: "false",
  });

/** The query of `POST /api/predict`. */
export const PredictQuery = z.object({ detect: DetectParam, tta: TtaParam });

/** The query of `POST /api/classify`. */
export const ClassifyQuery = z.object({ tta: TtaParam });

/**
 * The validator hook of every route: a refused query is 400 `bad_query` with the first problem's
 * message (thrown, so that it takes the app's `{error, code}` path like every other refusal).
 *
 * @example
 * ```ts
 * const routes = new OpenAPIHono({ defaultHook: refuseBadInput });
 * ```
 */
// deno-lint-ignore no-explicit-any
export const refuseBadInput: Hook<any, any, any, any> = (result) => {
  if (result.success) return;
  const message = result.error.issues[0]?.message ?? "the request is malformed";
  throw new ApiError(400, result.target === "query" ? "bad_query" : "bad_request", message);
};
