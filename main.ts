/**
 * fer-edge server entry point (local `deno task start` and Deno Deploy).
 *
 * @module
 */
if (import.meta.main) {
  console.log("fer-edge: the server is not built yet; see README.md");
}
