/**
 * What `GET /api/model` says about the loaded classifier: {@link modelInfo} of one model, or for a
 * model set its totals and one entry per member (name, version, weight, size, mirror tie).
 *
 * @module
 */
import { memberVersions, modelVersion } from "../classifier/load.ts";
import type { LoadedClassifier } from "../classifier/load.ts";
import { FerSetClassifier } from "../classifier/set_classifier.ts";
import { type ModelInfo, modelInfo, type ModelMemberInfo } from "./deps.ts";
import { labelSetOf } from "../face.ts";

/**
 * The {@link ModelInfo} of a loaded set whose version is `version` and whose members' versions
 * are `versions` (in the set's order).
 */
export function setModelInfo(
  set: FerSetClassifier,
  version: string,
  versions: readonly string[],
): ModelInfo {
  const members: ModelMemberInfo[] = set.members.map((m, i) => {
    const meta = m.classifier.metadata;
    return {
      path: m.path,
      name: meta.name,
      version: versions[i],
      weight: m.weight,
      sizeBytes: meta.sizeBytes,
      parameters: meta.parameters,
      mirrorSymmetric: meta.mirrorSymmetric === true,
      input: meta.input,
      quantization: meta.quantization,
    };
  });
  const quantizations = new Set(members.map((m) => m.quantization));
  const metadata = set.metadata;
  return {
    kind: "set",
    name: metadata.name,
    version,
    architecture: metadata.architecture ??
      `set of ${members.length}: ${members.map((m) => m.name).join(" + ")}`,
    labels: metadata.labels,
    labelSet: labelSetOf(metadata.labels),
    input: members[0].input,
    quantization: quantizations.size === 1 ? members[0].quantization : "mixed",
    parameters: members.reduce((n, m) => n + m.parameters, 0),
    sizeBytes: members.reduce((n, m) => n + m.sizeBytes, 0),
    mirrorSymmetric: members.every((m) => m.mirrorSymmetric),
    temperature: set.temperature,
    metrics: metadata.metrics ?? {},
    exportedAt: metadata.exportedAt,
    members,
    sharedSteps: set.sharedSteps,
  };
}

/** Describes `classifier`, loaded from `dir`, with its content version(s). */
export async function describeModel(
  classifier: LoadedClassifier,
  dir: string | URL,
): Promise<ModelInfo> {
  if (!(classifier instanceof FerSetClassifier)) {
    return modelInfo(classifier.metadata, await modelVersion(dir));
  }
  const [version, members] = await Promise.all([modelVersion(dir), memberVersions(dir)]);
  return setModelInfo(classifier, version, members.map((m) => m.version));
}
