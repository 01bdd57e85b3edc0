/**
 * Facial-expression classification of 48x48 grayscale face crops with an exported fer-edge model.
 *
 * @module
 */
export { type ClassifyOptions, type FaceClassifier, FerClassifier } from "./classifier.ts";
export {
  averageViews,
  CLASSIFY_TTA_MODES,
  type ClassifyTta,
  isClassifyTta,
  mirrorFace,
  viewsPerFace,
} from "./views.ts";
export { type FaceScores, roundFaceScores, toFaceScores } from "./postprocess.ts";
export { applyTemperature, isTemperature } from "./temperature.ts";
export { faceByteLength, packFaceInput, splitFaces } from "./preprocess.ts";
export {
  loadClassifier,
  type LoadClassifierOptions,
  type LoadedClassifier,
  memberVersions,
  modelVersion,
  setVersion,
} from "./load.ts";
export { FerSetClassifier, type SetMember, weightedMeanProbabilities } from "./set_classifier.ts";
