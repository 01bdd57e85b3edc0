import { assertEquals } from "./assert.ts";
import { displayName, FER_EMOTIONS, FERPLUS_EMOTIONS } from "../src/labels.ts";

Deno.test("FER2013 label ids follow the dataset's emotion column", () => {
  assertEquals(FER_EMOTIONS.indexOf("angry"), 0);
  assertEquals(FER_EMOTIONS.indexOf("happy"), 3);
  assertEquals(FER_EMOTIONS.indexOf("neutral"), 6);
  assertEquals(FERPLUS_EMOTIONS.length, 8);
  assertEquals(displayName("surprise"), "Surprise");
});
