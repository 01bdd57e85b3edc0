/**
 * The face contract (`src/face.ts`, values in `static/js/face_contract.js`): its values, and that
 * the page, the crop and the model input spec use the contract's own copy, not one of their own.
 *
 * @module
 */
import { assertEquals, assertOk } from "./assert.ts";
import {
  displayName,
  FER_EMOTIONS,
  FER_FRAMING,
  FER_PIXELS,
  FER_SIZE,
  FERPLUS_EMOTIONS,
  PIXEL_SCALE,
} from "../src/face.ts";
import { FER_INPUT } from "../src/model/metadata.ts";
import { displayName as pageDisplayName, EMOTIONS as PAGE_EMOTIONS } from "../static/js/labels.js";
import { FACE_BYTES } from "../static/js/classifiers.js";
import { ferCropWindow as pageCropWindow } from "../static/js/face_crop.js";
import { ferCropWindow } from "../src/image/crop.ts";

Deno.test("FER2013 label ids follow the dataset's emotion column", () => {
  assertEquals(FER_EMOTIONS.indexOf("angry"), 0);
  assertEquals(FER_EMOTIONS.indexOf("happy"), 3);
  assertEquals(FER_EMOTIONS.indexOf("neutral"), 6);
  assertEquals(FERPLUS_EMOTIONS.length, 8);
  assertEquals(displayName("surprise"), "Surprise");
});

Deno.test("the contract: 48x48 gray input, pixels scaled by 1/255, the BlazeFace framing", () => {
  assertEquals([FER_SIZE, FER_PIXELS, PIXEL_SCALE], [48, 2304, 1 / 255]);
  assertEquals({ ...FER_FRAMING }, { scale: 1.15, shiftY: -0.02 });
  assertEquals([...FERPLUS_EMOTIONS], [...FER_EMOTIONS, "contempt"]);
  // Frozen: a caller cannot change the shared copy for everyone else.
  assertOk(Object.isFrozen(FER_EMOTIONS) && Object.isFrozen(FER_FRAMING));
});

Deno.test("one copy: the page's labels and the model input spec are the contract's values", () => {
  assertOk(PAGE_EMOTIONS === FER_EMOTIONS, "static/js/labels.js keeps its own label list");
  assertOk(pageDisplayName === displayName, "static/js/labels.js keeps its own displayName");
  assertEquals(FACE_BYTES, FER_PIXELS);
  assertEquals(
    [FER_INPUT.width, FER_INPUT.height, FER_INPUT.channels, FER_INPUT.scale, FER_INPUT.offset],
    [FER_SIZE, FER_SIZE, 1, PIXEL_SCALE, 0],
  );
  // Both crops frame a box with the contract's FER_FRAMING.
  const box = { x: 10, y: 20, width: 80, height: 100 };
  const side = 100 * FER_FRAMING.scale;
  const expected = {
    x: 50 - side / 2,
    y: 70 + FER_FRAMING.shiftY * 100 - side / 2,
    width: side,
    height: side,
  };
  assertEquals(ferCropWindow(box), expected);
  assertEquals(pageCropWindow(box), expected);
});
