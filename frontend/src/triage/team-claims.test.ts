import { describe, expect, it } from "vitest";
import type { JournalEntry } from "../stream/protocol";
import { makeMention } from "../testing/make";
import { TeamClaims, waited } from "./team-claims";

const olive = { username: "olive", display_name: "Olive" };
const quinn = { username: "quinn", display_name: "Quinn" };

const entry = (type: string, data: Record<string, unknown>, at = "2026-02-08T20:01:00Z") =>
  ({ seq: 1, type, at, actor: null, data }) as JournalEntry;

const claimed = (seq: number, received: string) =>
  makeMention(seq, {
    state: "claimed",
    received_at: received,
    claim: { holder: olive, lease_until: "2026-02-08T20:05:00Z", fence: 1 },
  });

describe("the team's claims", () => {
  it("lists the claimed mentions loaded, longest waiting first", () => {
    const team = new TeamClaims();
    team.reset([
      claimed(2, "2026-02-08T20:00:30Z"),
      makeMention(3),
      claimed(1, "2026-02-08T20:00:10Z"),
    ]);
    expect(team.list().map((claim) => claim.handle)).toEqual(["@fan1", "@fan2"]);
    expect(team.list()[0]?.holder.display_name).toBe("Olive");
  });

  it("adds a claim from the journal, named from the mention the console holds", () => {
    const mention = makeMention(5);
    const team = new TeamClaims((id) => (id === mention.id ? mention : undefined));
    const changed = team.apply(
      entry("mention.claimed", { mention_id: mention.id, holder: quinn, fence: 3 }),
    );
    expect(changed).toBe(true);
    const [claim] = team.list();
    expect(claim?.handle).toBe("@fan5");
    expect(claim?.holder.username).toBe("quinn");
    expect(claim?.claimedAt).toBe(Date.parse("2026-02-08T20:01:00Z"));
  });

  it("follows a take-over and drops a claim that ended", () => {
    const team = new TeamClaims();
    const mention = claimed(1, "2026-02-08T20:00:10Z");
    team.reset([mention]);
    team.apply(entry("mention.claimed", { mention_id: mention.id, holder: quinn, fence: 2 }));
    expect(team.list()[0]?.holder.username).toBe("quinn");
    // The release of the claim Quinn took over comes late: Quinn still holds it.
    expect(team.apply(entry("mention.released", { mention_id: mention.id, fence: 1 }))).toBe(false);
    expect(team.apply(entry("mention.replied", { mention_id: mention.id }))).toBe(true);
    expect(team.size).toBe(0);
  });

  it("a renewal changes nothing shown", () => {
    const team = new TeamClaims();
    const mention = claimed(1, "2026-02-08T20:00:10Z");
    team.reset([mention]);
    expect(
      team.apply(entry("mention.renewed", { mention_id: mention.id, holder: olive, fence: 1 })),
    ).toBe(false);
  });

  it("says how long in minutes and seconds, hours when it comes to that", () => {
    expect(waited(75_000)).toBe("1:15");
    expect(waited(3_725_000)).toBe("1:02:05");
    expect(waited(-5_000)).toBe("0:00");
  });
});
