/**
 * Server configuration from environment variables, with defaults that work locally and on Deno
 * Deploy. Bad values fail start-up with a message naming the variable.
 *
 * @module
 */
import { DEFAULT_MAX_PIXELS } from "../image/decode.ts";
import { DEFAULT_CANARY_INTERVAL_MS } from "./health.ts";

/** Everything the server reads from its environment. */
export interface ServerConfig {
  /** TCP port (`PORT`, default 8000). */
  port: number;
  /** Interface to bind (`HOSTNAME`, default `0.0.0.0`). */
  hostname: string;
  /** Exported model folder (`MODEL_DIR`, default `models/default/` beside `main.ts`). */
  modelDir: string | URL;
  /** Largest accepted request body in bytes (`MAX_BODY_BYTES`, default 10 MB). */
  maxBodyBytes: number;
  /** Largest accepted image in pixels, checked from the header before decoding (`MAX_PIXELS`). */
  maxPixels: number;
  /** Most faces in one `POST /api/classify` (`MAX_CLASSIFY_FACES`, default 64). */
  maxClassifyFaces: number;
  /** Heavy requests (predict, classify) run at once (`MAX_IN_FLIGHT`, default 1). */
  maxInFlight: number;
  /** Heavy requests waiting for a slot before new ones get 503 (`MAX_QUEUE`, default 16; 0 = none). */
  maxQueue: number;
  /** Longest a heavy request may wait for its slot before a 503 (`REQUEST_BUDGET_MS`, 10 s). */
  requestBudgetMs: number;
  /** Canary inference at most this often on `GET /healthz` (`CANARY_INTERVAL_MS`, 30 s). */
  canaryIntervalMs: number;
  /** Origins allowed to call the API cross-origin (`CORS_ORIGINS`, comma-separated; none). */
  corsOrigins: string[];
}

/** The shipped model folder. */
export const DEFAULT_MODEL_DIR: URL = new URL("../../models/default/", import.meta.url);

/** Default body limit: 10 MB. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Default most faces per classify request (the camera page sends up to 32). */
export const DEFAULT_MAX_CLASSIFY_FACES = 64;

/**
 * Default admission control: one heavy request at a time. Inference is synchronous wasm on the one
 * JS thread, so a second slot adds no throughput, only a second image's memory.
 */
export const DEFAULT_MAX_IN_FLIGHT = 1;

/**
 * Default queue: 16 waiting heavy requests before 503s, so that 16 clients with one request each
 * (the camera page keeps one classify in flight) are all served, never refused.
 */
export const DEFAULT_MAX_QUEUE = 16;

/** Default time a heavy request may wait for its slot: 10 s. */
export const DEFAULT_REQUEST_BUDGET_MS = 10_000;

/** Reads an integer variable from `min` to `max`, or returns `fallback` when it is unset or empty. */
function integer(
  env: (name: string) => string | undefined,
  name: string,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
  min = 1,
): number {
  const raw = env(name)?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/**
 * Parses `CORS_ORIGINS`: a comma-separated list of exact origins (`https://a.example`,
 * `http://localhost:5173`). Anything else, `*` included, fails start-up: cross-origin access is
 * granted to named sites only.
 */
export function parseCorsOrigins(raw: string | undefined): string[] {
  const items = (raw ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
  return items.map((item) => {
    let url: URL | undefined;
    try {
      url = new URL(item);
    } catch {
      // not a URL: refused below
    }
    if (!url || url.origin !== item || !/^https?:$/.test(url.protocol)) {
      throw new RangeError(
        `CORS_ORIGINS must list origins like https://app.example (scheme, host, optional port; ` +
          `no path or trailing slash), got "${item}"`,
      );
    }
    return url.origin;
  });
}

/** Builds the configuration from `env` (e.g. `(n) => Deno.env.get(n)`). */
export function configFromEnv(env: (name: string) => string | undefined): ServerConfig {
  return {
    port: integer(env, "PORT", 8000, 65535),
    hostname: env("HOSTNAME")?.trim() || "0.0.0.0",
    modelDir: env("MODEL_DIR")?.trim() || DEFAULT_MODEL_DIR,
    maxBodyBytes: integer(env, "MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
    maxPixels: integer(env, "MAX_PIXELS", DEFAULT_MAX_PIXELS),
    maxClassifyFaces: integer(env, "MAX_CLASSIFY_FACES", DEFAULT_MAX_CLASSIFY_FACES),
    maxInFlight: integer(env, "MAX_IN_FLIGHT", DEFAULT_MAX_IN_FLIGHT, 64),
    maxQueue: integer(env, "MAX_QUEUE", DEFAULT_MAX_QUEUE, 10_000, 0),
    requestBudgetMs: integer(env, "REQUEST_BUDGET_MS", DEFAULT_REQUEST_BUDGET_MS, 600_000),
    canaryIntervalMs: integer(env, "CANARY_INTERVAL_MS", DEFAULT_CANARY_INTERVAL_MS, 86_400_000),
    corsOrigins: parseCorsOrigins(env("CORS_ORIGINS")),
  };
}
