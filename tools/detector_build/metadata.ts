/**
 * Builds the TFLite model metadata (`tflite_support/metadata_schema.fbs`, identifier `M001`) that
 * MediaPipe Tasks reads to pre-process an image input: color space and normalisation.
 *
 * @module
 */
import { buildFlatBuffer, type FbField, type FbValue } from "./writer.ts";
import { FbTable, rootTable } from "../../src/detector/tflite/flatbuffer.ts";

/** Metadata file identifier. */
export const METADATA_IDENTIFIER = "M001";

/** Name of the `Model.metadata` entry that holds the metadata buffer. */
export const METADATA_NAME = "TFLITE_METADATA";

/** What the metadata says about the model. */
export interface ImageModelMetadata {
  name: string;
  description: string;
  version: string;
  author: string;
  license: string;
  /** Input tensor name. */
  inputName: string;
  /** Input width and height. */
  width: number;
  height: number;
  /** Per-channel (or single) normalisation `(x - mean) / std`. */
  mean: number[];
  std: number[];
}

// Union tags from metadata_schema.fbs (0 = NONE).
const CONTENT_IMAGE_PROPERTIES = 2;
const PROCESS_UNIT_NORMALIZATION = 1;
const COLOR_SPACE_RGB = 1;

const str = (value: string): FbValue => ({ kind: "string", value });
const table = (...fields: FbField[]): FbValue => ({ kind: "table", fields });
const ref = (id: number, value: FbValue): FbField => ({ id, type: "offset", value });

/** Serialises a `ModelMetadata` flatbuffer for a single-image-input model. */
export function buildImageModelMetadata(meta: ImageModelMetadata): Uint8Array {
  const imageSize = table(
    { id: 0, type: "uint32", value: meta.width },
    { id: 1, type: "uint32", value: meta.height },
  );
  const imageProperties = table(
    { id: 0, type: "int8", value: COLOR_SPACE_RGB },
    ref(1, imageSize),
  );
  const content = table(
    { id: 0, type: "uint8", value: CONTENT_IMAGE_PROPERTIES },
    ref(1, imageProperties),
  );
  const normalization = table(
    ref(0, { kind: "float32s", values: meta.mean }),
    ref(1, { kind: "float32s", values: meta.std }),
  );
  const processUnit = table(
    { id: 0, type: "uint8", value: PROCESS_UNIT_NORMALIZATION },
    ref(1, normalization),
  );
  const input = table(
    ref(0, str(meta.inputName)),
    ref(1, str("RGB image, values normalised with (x - mean) / std")),
    ref(3, content),
    ref(4, { kind: "tables", items: [processUnit] }),
  );
  const subgraph = table(ref(2, { kind: "tables", items: [input] }));
  const model = table(
    ref(0, str(meta.name)),
    ref(1, str(meta.description)),
    ref(2, str(meta.version)),
    ref(3, { kind: "tables", items: [subgraph] }),
    ref(4, str(meta.author)),
    ref(5, str(meta.license)),
    // NormalizationOptions and ImageProperties exist since metadata schema 1.0.0.
    ref(7, str("1.0.0")),
  );
  return buildFlatBuffer(model, METADATA_IDENTIFIER);
}

/** The input normalisation and image properties read back from a metadata buffer. */
export interface InputImageMetadata {
  colorSpace: number;
  width: number;
  height: number;
  mean: number[];
  std: number[];
  minParserVersion?: string;
}

/** Reads the first input's image properties and normalisation from a `ModelMetadata` buffer. */
export function readInputImageMetadata(bytes: Uint8Array): InputImageMetadata {
  const model = rootTable(bytes, METADATA_IDENTIFIER);
  const input = model.tables(3)[0]?.tables(2)[0];
  if (!input) throw new Error("the metadata has no input tensor metadata");
  const content = input.table(3);
  if (content?.uint8(0) !== CONTENT_IMAGE_PROPERTIES) {
    throw new Error("the input content is not ImageProperties");
  }
  const properties = content.table(1) as FbTable;
  const size = properties.table(1);
  const unit = input.tables(4).find((u) => u.uint8(0) === PROCESS_UNIT_NORMALIZATION);
  const normalization = unit?.table(1);
  if (!normalization) throw new Error("the input has no NormalizationOptions");
  return {
    colorSpace: properties.int8(0),
    width: size?.uint32(0) ?? 0,
    height: size?.uint32(1) ?? 0,
    mean: normalization.float32s(0),
    std: normalization.float32s(1),
    minParserVersion: model.string(7),
  };
}
