import { join } from "node:path";
import { assertEquals, assertThrows } from "../assert.ts";
import { withTempDir } from "../temp_dir.ts";
import { parseTrainArgs } from "../../training/cli_config.ts";
import { defaultConfig } from "../../training/config.ts";

Deno.test("train flags: defaults per model, then --config, then each flag", async () => {
  const plain = await parseTrainArgs([]);
  assertEquals(plain.config, defaultConfig("default"));
  assertEquals(plain.flags.workers, 1);
  assertEquals(plain.flags.resume, false);

  await withTempDir("fer-cli-config-", async (dir) => {
    const file = join(dir, "config.json");
    await Deno.writeTextFile(
      file,
      JSON.stringify({ epochs: 9, learningRate: 0.5, augment: { rotate: 3 } }),
    );
    const merged = await parseTrainArgs([
      "--config",
      file,
      "--lr",
      "0.01",
      "--no-bn-dense",
      "--workers",
      "2",
      "--resume",
    ]);
    assertEquals(merged.config.epochs, 9); // from the file
    assertEquals(merged.config.learningRate, 0.01); // the flag wins over the file
    assertEquals(merged.config.augment, { ...defaultConfig("default").augment, rotate: 3 }); // merged deeply
    assertEquals(merged.config.batchNormDense, false);
    assertEquals(merged.flags.workers, 2);
    assertEquals(merged.flags.resume, true);
  });

  const modelA = await parseTrainArgs(["--model", "a", "--no-augment"]);
  assertEquals(modelA.config.optimizer, "momentum"); // the seed's recipe
  assertEquals(modelA.config.augment, { flip: false, shift: 0, rotate: 0, scale: 0 });
  const features = await parseTrainArgs(["--features", "landmarks, hog"]);
  assertEquals(features.config.features, ["landmarks", "hog"]);
  const tied = await parseTrainArgs(["--mirror-symmetric"]);
  assertEquals(tied.config.mirrorSymmetric, true);
  const shaped = await parseTrainArgs(["--stage-channels", "16, 32,64,160"]);
  assertEquals(shaped.config.stageChannels, [16, 32, 64, 160]);
  const mixed = await parseTrainArgs([
    "--teacher",
    "models/default",
    "--ferplus",
    "votes.csv",
    "--ferplus-weight",
    "0.2",
  ]);
  assertEquals(mixed.config.ferplusWeight, 0.2);
});

Deno.test("train flags: a bad value is refused with the flag or field it came from", async () => {
  await assertThrows(() => parseTrainArgs(["--lr", "fast"]), '--lr expects a number, got "fast"');
  await assertThrows(() => parseTrainArgs(["--workers", "3"]), "--workers must be 1 or 2");
  await assertThrows(() => parseTrainArgs(["--keep-prob", "0"]), "config: keepProb");
  await assertThrows(() => parseTrainArgs(["--restart-at", "50"]), "config: restartEpoch");
  await assertThrows(
    () => parseTrainArgs(["--model", "a", "--mirror-symmetric"]),
    "config: mirrorSymmetric needs the default model",
  );
  await assertThrows(
    () => parseTrainArgs(["--features", "hog", "--mirror-symmetric"]),
    "config: mirrorSymmetric",
  );
  await assertThrows(() => parseTrainArgs(["--no-such-flag"]), "no-such-flag");
  await assertThrows(
    () => parseTrainArgs(["--stage-channels", "16,32,64"]),
    "config: stageChannels must be four positive integers",
  );
  await assertThrows(
    () => parseTrainArgs(["--stage-channels", "16,32,63,128", "--mirror-symmetric"]),
    "config: stageChannels must be even with mirrorSymmetric",
  );
  await assertThrows(
    () => parseTrainArgs(["--stage-channels", "16,32,x,64"]),
    '--stage-channels expects a number, got "x"',
  );
  await assertThrows(
    () => parseTrainArgs(["--ferplus", "votes.csv", "--ferplus-weight", "0.2"]),
    "config: ferplusWeight needs a teacher",
  );
  await assertThrows(
    () => parseTrainArgs(["--teacher", "m", "--ferplus-weight", "0.2"]),
    "config: ferplusWeight needs --ferplus PATH",
  );
});

Deno.test("parseTrainArgs: --erase sets random erasing on top of the other augmentation", async () => {
  const { config } = await parseTrainArgs(["--erase", "0.5"]);
  assertEquals(config.augment, { ...defaultConfig("default").augment, erase: 0.5 });
  assertEquals((await parseTrainArgs([])).config.augment.erase, undefined);
  await assertThrows(() => parseTrainArgs(["--erase", "1.5"]), "augment.erase");
  await assertThrows(() => parseTrainArgs(["--erase", "x"]), "--erase expects a number");
});

Deno.test("parseTrainArgs: --no-augment also turns off erasing from a --config file", async () => {
  await withTempDir("fer-cli-erase-", async (dir) => {
    const file = join(dir, "erase.json");
    await Deno.writeTextFile(file, JSON.stringify({ augment: { erase: 0.5 } }));
    assertEquals((await parseTrainArgs(["--config", file])).config.augment.erase, 0.5);
    const off = await parseTrainArgs(["--config", file, "--no-augment"]);
    assertEquals(off.config.augment, { flip: false, shift: 0, rotate: 0, scale: 0 });
    const eraseOnly = await parseTrainArgs(["--config", file, "--no-augment", "--erase", "0.3"]);
    assertEquals(eraseOnly.config.augment, {
      flip: false,
      shift: 0,
      rotate: 0,
      scale: 0,
      erase: 0.3,
    });
  });
});

Deno.test("parseTrainArgs: --teacher-online needs a teacher and excludes views, votes and ten crops", async () => {
  const { config } = await parseTrainArgs(["--teacher", "m", "--teacher-online"]);
  assertEquals(config.teacherOnline, true);
  assertEquals((await parseTrainArgs(["--teacher", "m"])).config.teacherOnline, undefined);
  await assertThrows(
    () => parseTrainArgs(["--teacher-online"]),
    "config: teacherOnline needs a teacher",
  );
  await assertThrows(
    () => parseTrainArgs(["--teacher", "m", "--teacher-online", "--teacher-views", "3"]),
    "config: teacherOnline replaces teacherViews",
  );
  await assertThrows(
    () => parseTrainArgs(["--teacher", "m", "--teacher-online", "--teacher-tta", "tencrop"]),
    "config: teacherOnline scores none or flip views",
  );
  await assertThrows(
    () =>
      parseTrainArgs([
        ...["--teacher", "m", "--teacher-online", "--ferplus", "v.csv"],
        ...["--ferplus-weight", "0.2"],
      ]),
    "config: teacherOnline cannot mix in FER+ votes",
  );
});

Deno.test("parseTrainArgs: --teacher-rows fer2013 needs a cached teacher on clean images", async () => {
  const rows = (args: string[]) => parseTrainArgs(args).then((r) => r.config.teacherRows);
  assertEquals(await rows(["--teacher", "m", "--teacher-rows", "fer2013"]), "fer2013");
  assertEquals(await rows(["--teacher", "m"]), undefined);
  await assertThrows(
    () => rows(["--teacher-rows", "fer2013"]),
    "config: teacherRows needs a teacher",
  );
  await assertThrows(
    () => rows(["--teacher", "m", "--teacher-rows", "some"]),
    "must be all or fer2013",
  );
  await assertThrows(
    () => rows(["--teacher", "m", "--teacher-rows", "fer2013", "--teacher-views", "2"]),
    "not teacherViews or teacherOnline",
  );
});

Deno.test("parseTrainArgs: --photo-teacher needs --teacher and excludes --teacher-rows fer2013", async () => {
  const photo = (args: string[]) => parseTrainArgs(args).then((r) => r.config.photoTeacher);
  assertEquals(await photo(["--teacher", "m", "--photo-teacher", "p,q"]), "p,q");
  await assertThrows(() => photo(["--photo-teacher", "p"]), "config: photoTeacher needs a teacher");
  await assertThrows(
    () => photo(["--teacher", "m", "--photo-teacher", "p", "--teacher-rows", "fer2013"]),
    "contradict",
  );
  await assertThrows(
    () => photo(["--teacher", "m", "--photo-teacher", "p", "--teacher-online"]),
    "not teacherViews or teacherOnline",
  );
});

Deno.test("parseTrainArgs: --freeze-convs needs --init-from and a whole number", async () => {
  const freeze = (args: string[]) => parseTrainArgs(args).then((r) => r.config.freezeConvs);
  assertEquals(await freeze(["--init-from", "m", "--freeze-convs", "4"]), 4);
  assertEquals(await freeze(["--freeze-convs", "0"]), 0);
  assertEquals(await freeze([]), undefined);
  await assertThrows(() => freeze(["--freeze-convs", "4"]), "freezeConvs needs initFrom");
  await assertThrows(
    () => freeze(["--init-from", "m", "--freeze-convs", "1.5"]),
    "freezeConvs must be an integer >= 0",
  );
});
