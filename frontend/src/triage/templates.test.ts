import { describe, expect, it } from "vitest";
import { insertSnippet } from "./templates";

describe("insertSnippet", () => {
  it("fills an empty reply and puts the caret after it", () => {
    expect(insertSnippet("", 0, 0, "Thanks @ana!")).toEqual({ value: "Thanks @ana!", caret: 12 });
  });

  it("replaces the selection", () => {
    expect(insertSnippet("Hi fan, see you", 3, 6, "@ana")).toEqual({
      value: "Hi @ana, see you",
      caret: 7,
    });
  });

  it("keeps words apart on either side", () => {
    expect(insertSnippet("Hello", 5, 5, "thanks")).toEqual({ value: "Hello thanks", caret: 12 });
    expect(insertSnippet("Hello!", 0, 0, "Oh")).toEqual({ value: "Oh Hello!", caret: 2 });
    expect(insertSnippet("Hello ", 6, 6, "thanks")).toEqual({ value: "Hello thanks", caret: 12 });
    expect(insertSnippet("a b", 1, 1, " x ")).toEqual({ value: "a x  b", caret: 4 });
  });

  it("clamps a caret position past the end", () => {
    expect(insertSnippet("ab", 9, 12, "c")).toEqual({ value: "ab c", caret: 4 });
  });
});
