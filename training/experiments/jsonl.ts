/**
 * JSON-lines logs: one record per line, appended as each result is known, so an interrupted grid or
 * search loses at most the record in progress. Used by `experiments` (cell results) and `optimize`
 * (trials).
 *
 * @module
 */

/** Reads every record of `path` (a missing file is empty). Throws naming the line of a bad one. */
export async function readJsonLines<T>(path: string): Promise<T[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  const records: T[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    try {
      records.push(JSON.parse(line));
    } catch {
      // A torn last line (killed mid-write) is dropped; anything else is corruption.
      if (i >= lines.length - 2) continue;
      throw new Error(`${path}:${i + 1}: not a JSON record`);
    }
  }
  return records;
}

/** Appends one record as a line (creating the file). */
export async function appendJsonLine(path: string, record: unknown): Promise<void> {
  await Deno.writeTextFile(path, JSON.stringify(record) + "\n", { append: true, create: true });
}
