/**
 * Server configuration from environment variables, with defaults that work locally and on Deno
 * Deploy. Bad values fail start-up with a message naming the variable.
 *
 * @module
 */
import { DEFAULT_MAX_PIXELS } from "../image/decode.ts";

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
}

/** The shipped model folder. */
export const DEFAULT_MODEL_DIR: URL = new URL("../../models/default/", import.meta.url);

/** Default body limit: 10 MB. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Default most faces per classify request (the camera page sends up to 32). */
export const DEFAULT_MAX_CLASSIFY_FACES = 64;

/** Reads a positive integer variable, or returns `fallback` when it is unset or empty. */
function positiveInt(
  env: (name: string) => string | undefined,
  name: string,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = env(name)?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(`${name} must be an integer from 1 to ${max}, got "${raw}"`);
  }
  return value;
}

/** Builds the configuration from `env` (e.g. `(n) => Deno.env.get(n)`). */
export function configFromEnv(env: (name: string) => string | undefined): ServerConfig {
  return {
    port: positiveInt(env, "PORT", 8000, 65535),
    hostname: env("HOSTNAME")?.trim() || "0.0.0.0",
    modelDir: env("MODEL_DIR")?.trim() || DEFAULT_MODEL_DIR,
    maxBodyBytes: positiveInt(env, "MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
    maxPixels: positiveInt(env, "MAX_PIXELS", DEFAULT_MAX_PIXELS),
    maxClassifyFaces: positiveInt(env, "MAX_CLASSIFY_FACES", DEFAULT_MAX_CLASSIFY_FACES),
  };
}
