import { describe, expect, it } from "vitest";
import { localTimeToIso, parseOffset } from "./cue-form";
import { clearLocalEdit, readLocalEdit, writeLocalEdit } from "./local-edits";

describe("the cue form's times", () => {
  it("reads a show-clock offset as HH:MM:SS, MM:SS, seconds or with its T+", () => {
    expect(parseOffset("00:10:00")).toBe(600);
    expect(parseOffset("T+01:02:03")).toBe(3723);
    expect(parseOffset("5:30")).toBe(330);
    expect(parseOffset("90")).toBe(90);
    expect(parseOffset("ten minutes")).toBeNull();
    expect(parseOffset("1:2:3:4")).toBeNull();
  });

  it("sends a wall-clock time with its offset, and nothing for an empty one", () => {
    expect(localTimeToIso("2026-12-02T20:15")).toMatch(/^2026-12-0[23]T\d\d:\d\d:00\.000Z$/u);
    expect(localTimeToIso("")).toBeNull();
  });
});

describe("a draft's unsaved edit in this browser", () => {
  const fields = { title: "Kickoff", content: { posts: [{ texts: { x: "Go!" }, attachment_ids: [] }] }, tags: [], note: "" };

  it("is read back with the version it was typed against, until cleared", () => {
    writeLocalEdit(1, 7, { version: 3, base: fields, fields: { ...fields, title: "Kickoff!" }, at: 1_000 });
    expect(readLocalEdit(1, 7, 2_000)).toMatchObject({ version: 3, fields: { title: "Kickoff!" } });
    expect(readLocalEdit(1, 8, 2_000)).toBeNull();
    clearLocalEdit(1, 7);
    expect(readLocalEdit(1, 7, 2_000)).toBeNull();
  });

  it("expires after a day", () => {
    writeLocalEdit(1, 9, { version: 1, base: fields, fields, at: 0 });
    expect(readLocalEdit(1, 9, 25 * 60 * 60 * 1_000)).toBeNull();
  });
});
