import { describe, expect, it } from "vitest";
import { parseFrame } from "../stream/protocol";
import { presenceSummary, viewersByMention } from "./presence";

const frame = parseFrame(
  JSON.stringify({
    type: "presence",
    users: [
      { username: "olive", display_name: "Olive", role: "operator", connections: 1,
        viewing: ["mention:4"], typing: ["mention:4"] },
      { username: "pat", display_name: "Pat", role: "producer", connections: 2,
        viewing: ["feed", "mention:4"] },
    ],
  }),
);
const users = frame?.type === "presence" ? frame.users : [];

describe("presence with typing", () => {
  it("reads who types what, and nobody for a server that does not say", () => {
    expect(users.map((user) => user.typing)).toEqual([["mention:4"], []]);
  });

  it("maps the others who view and who type each mention", () => {
    expect(viewersByMention(users, "quinn")).toEqual(new Map([[4, ["Olive", "Pat"]]]));
    expect(viewersByMention(users, "quinn", "typing")).toEqual(new Map([[4, ["Olive"]]]));
    expect(viewersByMention(users, "olive", "typing")).toEqual(new Map());
  });

  it("says so in the person's summary", () => {
    const olive = users[0];
    if (!olive) throw new Error("no users parsed");
    expect(presenceSummary(olive)).toBe(
      "Olive (operator) · 1 console · viewing mention 4 · typing a reply to mention 4",
    );
  });
});
