/**
 * FER2013 data: streaming CSV reader, in-memory split loading, the prepared-data cache, HOG and the
 * feature-extractor registry. Import from here rather than from the individual files.
 *
 * @module
 */
export * from "./cache.ts";
export * from "./fer_csv.ts";
export * from "./hog.ts";
export { FER2013_HINT, openFerSource, openFerStream } from "./source.ts";
export { type CsvRecord, csvRecords } from "./csv_records.ts";
export * from "./features.ts";
export * from "./load.ts";
export { crc32, encodeGrayPng } from "./png.ts";
