/**
 * The landmark subset stored as features: the 128 face-mesh points that lie on MediaPipe's own
 * published contours (`FACEMESH_CONTOURS` = lips 40, left and right eye 16 each, left and right
 * eyebrow 10 each, face oval 36), taken from `@mediapipe/face_mesh`'s exported connection lists.
 * They cover what dlib's 68 points cover (jaw line, brows, eyes, mouth) at about twice the density
 * and leave out the cheek/forehead interior of the 468-point mesh, which carries little expression
 * signal per value.
 *
 * @module
 */
import faceMesh from "@mediapipe/face_mesh";

/** Number of points in the full face mesh. */
export const FACE_MESH_POINTS = 468;

/** Named parts of the contour subset, in the order their points are stored. */
export const CONTOUR_PARTS = [
  "FACEMESH_LIPS",
  "FACEMESH_LEFT_EYE",
  "FACEMESH_LEFT_EYEBROW",
  "FACEMESH_RIGHT_EYE",
  "FACEMESH_RIGHT_EYEBROW",
  "FACEMESH_FACE_OVAL",
] as const;

/** The distinct point indices of a connection list, in first-seen order. */
export function connectionPoints(connections: ReadonlyArray<readonly number[]>): number[] {
  const seen = new Set<number>();
  for (const pair of connections) for (const point of pair) seen.add(point);
  return [...seen];
}

/** Mesh indices of the contour subset: each part's points, parts in {@link CONTOUR_PARTS} order. */
export function contourSubset(): number[] {
  const points: number[] = [];
  const seen = new Set<number>();
  for (const part of CONTOUR_PARTS) {
    const connections = (faceMesh as unknown as Record<string, number[][]>)[part];
    if (!Array.isArray(connections)) {
      throw new Error(`@mediapipe/face_mesh does not export ${part}`);
    }
    for (const point of connectionPoints(connections)) {
      if (point < 0 || point >= FACE_MESH_POINTS) throw new Error(`${part}: bad point ${point}`);
      if (!seen.has(point)) points.push(point);
      seen.add(point);
    }
  }
  return points;
}
