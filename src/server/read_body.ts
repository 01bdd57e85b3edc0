/**
 * Reading a request body without letting a broken upload become a 500: a client that declares a
 * `Content-Length` other than what it sends, or hangs up midway, makes Deno's body stream fail
 * with `BadResource` or a `TypeError`. That is the client's fault, so it is a 400.
 *
 * @example
 * ```ts
 * import { readBody } from "./read_body.ts";
 * const bytes = new Uint8Array(await readBody(() => req.arrayBuffer()));
 * ```
 *
 * @module
 */
import { ApiError } from "./errors.ts";

/** Runs `read` (e.g. `() => req.arrayBuffer()`), turning a failed read into 400 `unreadable_body`. */
export async function readBody<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    console.warn(`request body could not be read: ${error}`);
    throw new ApiError(
      400,
      "unreadable_body",
      "the request body could not be read: it ended early or did not match its Content-Length",
    );
  }
}
