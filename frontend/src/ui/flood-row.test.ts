import { describe, expect, it } from "vitest";
import { groupRows } from "../feed/groups";
import { makeMention } from "../testing/make";
import { renderMention } from "./mention-view";
import { floodSummary, showFlood } from "./flood-row";

const flood = groupRows(
  [5, 4, 3, 2].map((id) => makeMention(id, { id, cluster_id: 1, text: "" })).concat(
    makeMention(1, { id: 1, text: "Penalty saved!" }),
  ),
  10,
);

describe("flood row", () => {
  it("names a few authors and counts the rest", () => {
    expect(floodSummary(flood[0]!)).toBe("×5 · @fan1, @fan2, @fan3 and 2 more");
  });

  it("opens to the list of members and closes again", () => {
    const row = flood[0]!;
    const node = renderMention(row.mention, new Set());
    showFlood(node, row, false);
    expect(node.dataset.flood).toBe("5");
    expect(node.querySelector(".m-flood-list")).toBeNull();
    showFlood(node, row, true);
    const items = [...node.querySelectorAll(".m-flood-author")].map((n) => n.textContent);
    expect(items).toEqual(["@fan5", "@fan4", "@fan3", "@fan2", "@fan1"]);
    expect(node.querySelector("button")?.getAttribute("aria-expanded")).toBe("true");
  });

  it("takes the group off a row that is alone again", () => {
    const row = flood[0]!;
    const node = renderMention(row.mention, new Set());
    showFlood(node, row, false);
    showFlood(node, { ...row, members: [row.mention] }, false);
    expect(node.querySelector(".m-flood")).toBeNull();
    expect(node.dataset.flood).toBeUndefined();
  });
});
