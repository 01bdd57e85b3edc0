/**
 * Linear SVM baseline: one-vs-rest dual coordinate descent, feature standardisation and design
 * matrices from prepared FER2013 splits.
 *
 * @module
 */
export * from "./linear_svm.ts";
export * from "./standardize.ts";
export * from "./matrix.ts";
