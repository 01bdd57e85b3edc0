/**
 * Facial-expression classification of 48x48 grayscale face crops with an exported fer-edge model.
 *
 * @module
 */
export { type FaceClassifier, FerClassifier } from "./classifier.ts";
export { type FaceScores, roundFaceScores, toFaceScores } from "./postprocess.ts";
export { faceByteLength, packFaceInput, splitFaces } from "./preprocess.ts";
export { loadClassifier, type LoadClassifierOptions, modelVersion } from "./load.ts";
