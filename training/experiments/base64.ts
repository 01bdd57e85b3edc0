/**
 * Base64 encoding of bytes, for images embedded in SVG reports (JSR's `@std/encoding` is not
 * reachable here, and `btoa` needs a binary string built in chunks for large inputs).
 *
 * @module
 */

/** Standard base64 (with padding) of `bytes`. */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}
