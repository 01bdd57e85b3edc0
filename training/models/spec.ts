/**
 * What every model builder takes: the number of classes, the optional feature input, and the seed's
 * batch-norm switches.
 *
 * @module
 */

/** Names of the model families fer-edge can build. */
export type ModelName = "a" | "b" | "default";

/** Options shared by all model builders. */
export interface ModelOptions {
  /** Output classes (7 for FER2013, 5 for the seed's subset, 8 for FER+). */
  classes: number;
  /** Length of the feature-branch input (landmarks and/or HOG); 0 or absent = images only. */
  featureLength?: number;
  /** Batch-normalisation after convolution layers (the seed's `use_batchnorm_after_conv_layers`). */
  batchNormConv: boolean;
  /** Batch-normalisation after dense layers (`use_batchnorm_after_fully_connected_layers`). */
  batchNormDense: boolean;
  /** Dropout keep probability (the seed's `keep_prob`). */
  keepProb: number;
  /** Width multiplier of the default model (1 = the shipped width); ignored by A and B. */
  width?: number;
  /** Channels of the default model's four conv stages at width 1 (absent = the shipped 16/32/64/128). */
  stageChannels?: readonly number[];
  /** Seed of the weight initialisers. */
  seed: number;
}
