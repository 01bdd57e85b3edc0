/**
 * FER+ votes as a second opinion in FER2013 mode: each Training image's ten-annotator vote
 * distribution, restricted to FER2013's seven classes, replaces a share of the teacher's scores.
 * The teachers learned FER2013's own labels (and their noise); the votes are independent human
 * judgements of the same pictures, so they add what the teachers cannot learn from the labels alone.
 *
 * @module
 */
import { FER_EMOTIONS } from "../../src/face.ts";
import {
  FERPLUS_COLUMNS,
  type FerPlusSplitVotes,
  TO_FERPLUS_INDEX,
  usableEmotionVotes,
} from "./ferplus.ts";

const CLASSES = FER_EMOTIONS.length;

/**
 * Votes of row `i` as a distribution over FER2013's seven classes, or `undefined` where FER+ found
 * no face, the majority says "unknown" or "not a face", or every vote went to contempt (a class
 * FER2013 does not have).
 */
export function sevenClassVotes(votes: FerPlusSplitVotes, i: number): Float32Array | undefined {
  const emotionVotes = usableEmotionVotes(votes, i);
  if (!emotionVotes) return undefined;
  const dist = new Float32Array(CLASSES);
  let total = 0;
  for (let c = 0; c < 8; c++) {
    const target = TO_FERPLUS_INDEX[FERPLUS_COLUMNS[c]];
    if (target >= CLASSES) continue; // contempt
    dist[target] = emotionVotes[c];
    total += emotionVotes[c];
  }
  if (total === 0) return undefined;
  for (let c = 0; c < CLASSES; c++) dist[c] /= total;
  return dist;
}

/**
 * Returns `scores` (teacher scores of `views x votes.count` images, view-major, seven per image)
 * with share `weight` of every image's scores replaced by its FER+ votes; images without usable
 * votes keep their scores. `mixed` counts the images (per view) that got votes.
 */
export function mixFerPlusVotes(
  scores: Float32Array,
  votes: FerPlusSplitVotes,
  weight: number,
): { scores: Float32Array; mixed: number } {
  const perView = votes.count * CLASSES;
  if (perView === 0 || scores.length % perView !== 0) {
    throw new Error(
      `FER+ votes cover ${votes.count} images but the teacher scored ${scores.length / CLASSES}; ` +
        `the votes must come from the fer2013.csv the data was prepared from, without skipped rows`,
    );
  }
  const out = Float32Array.from(scores);
  let mixed = 0;
  for (let i = 0; i < votes.count; i++) {
    const dist = sevenClassVotes(votes, i);
    if (!dist) continue;
    mixed++;
    for (let at = i * CLASSES; at < out.length; at += perView) {
      for (let c = 0; c < CLASSES; c++) {
        out[at + c] = (1 - weight) * out[at + c] + weight * dist[c];
      }
    }
  }
  return { scores: out, mixed };
}

/** The first `count` rows of `votes` (for a `--limit`ed Training split). */
export function firstVotes(votes: FerPlusSplitVotes, count: number): FerPlusSplitVotes {
  if (count >= votes.count) return votes;
  return {
    count,
    votes: votes.votes.subarray(0, count * FERPLUS_COLUMNS.length),
    hasImage: votes.hasImage.slice(0, count),
  };
}
