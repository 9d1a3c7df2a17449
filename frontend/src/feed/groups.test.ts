import { describe, expect, it } from "vitest";
import { makeMention } from "../testing/make";
import { groupRows, joinsAGroup } from "./groups";
import type { Mention } from "./types";

const member = (id: number, head: number, handle = `fan${id}`): Mention =>
  makeMention(id, { id, cluster_id: head, author: { handle } });
const alone = (id: number): Mention => makeMention(id, { id });
const newestFirst = (...mentions: Mention[]): Mention[] => [...mentions].sort((a, b) => b.seq - a.seq);

describe("groupRows", () => {
  it("shows a flood of reposts as one row with its count and authors", () => {
    const rows = groupRows(
      newestFirst(alone(1), member(2, 1), member(3, 1), alone(4), member(5, 1)),
      10,
    );
    expect(rows.map((row) => [row.mention.id, row.members.length])).toEqual([
      [1, 4],
      [4, 1],
    ]);
    expect(rows[0]?.authors).toEqual(["fan1", "fan2", "fan3", "fan5"]);
  });

  it("puts a group at the place of its newest member", () => {
    const rows = groupRows(newestFirst(alone(1), alone(2), alone(3), member(4, 1)), 10);
    expect(rows.map((row) => row.mention.id)).toEqual([1, 3, 2]);
  });

  it("counts an author once however often they repost", () => {
    const rows = groupRows(newestFirst(alone(1), member(2, 1, "bot"), member(3, 1, "bot")), 10);
    expect(rows[0]?.authors).toEqual(["fan1", "bot"]);
    expect(rows[0]?.members).toHaveLength(3);
  });

  it("shows the oldest member held when the group's first mention is not", () => {
    const rows = groupRows(newestFirst(member(5, 1), member(6, 1), member(7, 1)), 10);
    expect(rows.map((row) => row.mention.id)).toEqual([5]);
    expect(rows[0]?.members.map((m) => m.id)).toEqual([7, 6, 5]);
  });

  it("keeps mentions without a group as rows of their own", () => {
    const rows = groupRows(newestFirst(alone(1), alone(2), alone(3)), 10);
    expect(rows.map((row) => row.members.length)).toEqual([1, 1, 1]);
  });

  it("stops at the row limit but still counts the members of the rows it has", () => {
    const rows = groupRows(newestFirst(alone(1), alone(2), member(3, 1), alone(4)), 2);
    expect(rows.map((row) => [row.mention.id, row.members.length])).toEqual([
      [4, 1],
      [1, 2],
    ]);
  });

  it("tells when arrivals join a group", () => {
    expect(joinsAGroup([alone(1), alone(2)])).toBe(false);
    expect(joinsAGroup([alone(1), member(2, 1)])).toBe(true);
  });
});
