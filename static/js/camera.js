// @ts-check
/// <reference lib="dom" />
/**
 * Camera access with the failures a person can act on told apart: no camera API (insecure page),
 * permission denied, no camera, camera busy.
 *
 * @module
 */

/** A camera failure with a kind the page shows its own message for. */
export class CameraError extends Error {
  /**
   * @param {"unsupported" | "denied" | "missing" | "busy" | "failed"} kind
   * @param {string} message
   */
  constructor(kind, message) {
    super(message);
    this.name = "CameraError";
    this.kind = kind;
  }
}

/**
 * Maps a `getUserMedia` rejection to a {@link CameraError}.
 * @param {unknown} error
 * @returns {CameraError}
 */
export function explainCameraError(error) {
  const name = error instanceof Error ? error.name : "";
  const detail = error instanceof Error ? error.message : String(error);
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return new CameraError(
        "denied",
        "Camera permission was denied. Allow the camera for this site and retry.",
      );
    case "NotFoundError":
    case "OverconstrainedError":
      return new CameraError(
        "missing",
        "No camera found. Connect a camera, or analyse a photo below.",
      );
    case "NotReadableError":
    case "AbortError":
      return new CameraError("busy", "The camera is in use by another application.");
    default:
      return new CameraError("failed", `The camera could not start: ${detail}`);
  }
}

/**
 * Starts the camera and plays it in `video`; resolves once frames are flowing.
 * @param {HTMLVideoElement} video
 * @returns {Promise<MediaStream>}
 */
export async function startCamera(video) {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CameraError(
      "unsupported",
      "This browser gives no camera access here (the page must be served over https or from localhost).",
    );
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: "user" },
      audio: false,
    });
  } catch (error) {
    throw explainCameraError(error);
  }
  video.srcObject = stream;
  await video.play();
  if (video.readyState < 2) {
    await new Promise((resolve) => video.addEventListener("loadeddata", resolve, { once: true }));
  }
  return stream;
}

/**
 * Stops every track of `stream`.
 * @param {MediaStream | undefined} stream
 */
export function stopCamera(stream) {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
