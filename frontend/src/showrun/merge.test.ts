import { describe, expect, it } from "vitest";
import { mergeContent, mergeText, mergeValue } from "./merge";

describe("the three-way merge", () => {
  it("takes both sides' edits when they touch different words", () => {
    const base = "Kickoff at the stadium! Follow along";
    const mine = "Kickoff at the Olympic stadium! Follow along";
    const theirs = "Kickoff at the stadium! Follow along #Final";
    expect(mergeText(base, mine, theirs)).toEqual({
      text: "Kickoff at the Olympic stadium! Follow along #Final",
      conflicts: 0,
    });
  });

  it("keeps both versions between markers where both changed the same words", () => {
    const merged = mergeText("Score is 1-0", "Score is 2-0", "Score is 1-1");
    expect(merged.conflicts).toBe(1);
    expect(merged.text).toBe("Score is <<<<<<< mine\n2-0\n=======\n1-1\n>>>>>>> theirs");
  });

  it("takes one side whole when the other did not change", () => {
    expect(mergeText("a b", "a b", "a c")).toEqual({ text: "a c", conflicts: 0 });
    expect(mergeText("a b", "a d", "a b")).toEqual({ text: "a d", conflicts: 0 });
    expect(mergeText("", "new", "new")).toEqual({ text: "new", conflicts: 0 });
  });

  it("merges a field as one value", () => {
    expect(mergeValue("t", "t", "their title")).toEqual({ value: "their title", conflict: false });
    expect(mergeValue("t", "mine", "theirs")).toEqual({ value: "mine", conflict: true });
  });

  it("merges a thread post by post and network by network", () => {
    const base = { posts: [{ texts: { x: "Goal!", mastodon: "Goal!" }, attachment_ids: [] }] };
    const mine = { posts: [{ texts: { x: "Goal! 1-0", mastodon: "Goal!" }, attachment_ids: [] }] };
    const theirs = {
      posts: [
        { texts: { x: "Goal!", mastodon: "Goal! What a strike" }, attachment_ids: [3] },
        { texts: { x: "Replay soon" }, attachment_ids: [] },
      ],
    };
    expect(mergeContent(base, mine, theirs)).toEqual({
      content: {
        posts: [
          { texts: { x: "Goal! 1-0", mastodon: "Goal! What a strike" }, attachment_ids: [3] },
          { texts: { x: "Replay soon" }, attachment_ids: [] },
        ],
      },
      conflicts: 0,
    });
  });
});
