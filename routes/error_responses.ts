/**
 * The error answers of a route for its OpenAPI description, built from the one list of codes
 * (`ERROR_CODES` in `src/server/errors.ts`): one response per status, whose body schema is
 * `{error, code}` with `code` limited to the codes that status can carry on that route, and the
 * headers that come with them (`Allow` on 405, `Retry-After` on a busy 503).
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { ERROR_CODES, type ErrorBody, type ErrorCode } from "../src/server/errors.ts";

/** Codes any path can answer with: a malformed path, a malformed request, an unexpected failure. */
export const EVERY_PATH_CODES = ["bad_path", "bad_request", "internal_error"] as const;

/** Codes of the routes that queue for an inference slot (after their own checks). */
export const HEAVY_CODES = ["overloaded", "queue_timeout", "cancelled", "unavailable"] as const;

type StatusOf<C extends ErrorCode> = (typeof ERROR_CODES)[C]["status"];

/** The OpenAPI response of one error status. */
export interface ErrorResponseConfig {
  description: string;
  headers?: Record<string, { description: string; schema: { type: "string" | "integer" } }>;
  content: { "application/json": { schema: z.ZodType<ErrorBody> } };
}

/** Codes answered with a `Retry-After` header. */
const RETRY_CODES = new Set<ErrorCode>(["overloaded", "queue_timeout", "unavailable"]);

const RETRY_AFTER = {
  "retry-after": {
    description:
      "Seconds to wait before retrying: the queue's expected wait, or 5 while restarting",
    schema: { type: "integer" as const },
  },
};

const ALLOW = {
  allow: {
    description: "The methods this path is served with, e.g. `POST` or `GET, HEAD`",
    schema: { type: "string" as const },
  },
};

/**
 * The responses for `codes` and {@link EVERY_PATH_CODES}, keyed by status.
 *
 * @example
 * ```ts
 * createRoute({ ..., responses: { 200: ok, ...errorResponses("bad_query", "too_many_faces") } });
 * ```
 */
export function errorResponses<const C extends readonly ErrorCode[]>(
  ...codes: C
): { [S in StatusOf<C[number] | (typeof EVERY_PATH_CODES)[number]>]: ErrorResponseConfig } {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set<ErrorCode>([...codes, ...EVERY_PATH_CODES])) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<number, ErrorResponseConfig> = {};
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    const lines = group.map((code) => `- \`${code}\`: ${ERROR_CODES[code].description}`);
    const schema = z.object({
      error: z.string().openapi({ description: "What went wrong, for people" }),
      code: z.enum(group as [ErrorCode, ...ErrorCode[]]).openapi({
        description: "What went wrong, for programs",
      }),
    }).openapi({ example: { error: ERROR_CODES[group[0]].description, code: group[0] } });
    const retry = group.some((code) => RETRY_CODES.has(code));
    responses[status] = {
      description: `Refused, \`{error, code}\`:\n${lines.join("\n")}`,
      ...(status === 405 ? { headers: ALLOW } : retry ? { headers: RETRY_AFTER } : {}),
      content: { "application/json": { schema } },
    };
  }
  return responses as ReturnType<typeof errorResponses<C>>;
}
