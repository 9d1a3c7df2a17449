import { describe, expect, it } from "vitest";
import { OLIVE, QUINN, entry, makeMention, makeReply } from "../testing/make";
import { MyClaims } from "./my-claims";
import type { ClaimGrant } from "./types";

const grant = (
  seq: number,
  fence: number,
  until: string,
  draft: string | null = null,
): ClaimGrant => ({
  mention: makeMention(seq),
  holder: OLIVE,
  fence,
  lease_until: until,
  draft,
});

const claimed = (id: number, fence: number, holder = OLIVE, until = "2026-02-08T20:02:00Z") =>
  entry(1, "mention.claimed", { mention_id: id, holder, fence, lease_until: until });

describe("MyClaims", () => {
  it("lists the claims from grants, soonest lease end first, with their drafts", () => {
    const mine = new MyClaims("olive");

    mine.grant(grant(1, 3, "2026-02-08T20:03:00Z", "Thanks"));
    mine.grant(grant(2, 1, "2026-02-08T20:02:00Z"));

    expect(mine.list().map((claim) => [claim.mentionId, claim.draft])).toEqual([
      [1002, null],
      [1001, "Thanks"],
    ]);
    expect(mine.get(1001)?.leaseUntil).toBe(Date.parse("2026-02-08T20:03:00Z"));
  });

  it("learns of a claim made on another of this operator's consoles", () => {
    const mine = new MyClaims("olive");

    const change = mine.apply(claimed(1001, 1));

    expect(change).toMatchObject({
      kind: "gained",
      claim: { mentionId: 1001, fence: 1, mention: null },
    });
    expect(mine.apply(claimed(1002, 1, QUINN))).toBeNull();
    expect(mine.size).toBe(1);
  });

  it("moves the lease end on a renewal and keeps the draft", () => {
    const mine = new MyClaims("olive");
    mine.grant(grant(1, 2, "2026-02-08T20:02:00Z", "half"));

    const renewal = {
      mention_id: 1001,
      holder: OLIVE,
      fence: 2,
      lease_until: "2026-02-08T20:04:00Z",
    };
    const change = mine.apply(entry(2, "mention.renewed", renewal));

    expect(change?.kind).toBe("renewed");
    expect(mine.get(1001)).toMatchObject({
      draft: "half",
      leaseUntil: Date.parse("2026-02-08T20:04:00Z"),
    });
  });

  it("says why a claim ended: released, expired, taken over, dismissed, answered", () => {
    const mine = new MyClaims("olive");
    const hold = (seq: number, fence: number) =>
      mine.grant(grant(seq, fence, "2026-02-08T20:02:00Z"));
    const why = (change: ReturnType<MyClaims["apply"]>) =>
      change?.kind === "ended" ? [change.why, change.by?.display_name ?? null] : change;
    const ended = (type: string, fence: number) =>
      why(mine.apply(entry(2, type, { mention_id: 1001, holder: OLIVE, fence })));

    hold(1, 1);
    expect(ended("mention.released", 1)).toEqual(["released", null]);
    hold(1, 2);
    expect(ended("mention.claim_expired", 2)).toEqual(["expired", null]);
    hold(1, 3);
    expect(why(mine.apply(claimed(1001, 4, QUINN)))).toEqual(["taken-over", "Quinn"]);
    hold(2, 1);
    const dismissed = entry(4, "mention.dismissed", { mention_id: 1002, reason: null });
    expect(why(mine.apply(dismissed))).toEqual(["dismissed", "olive"]);
    hold(3, 1);
    const replied = entry(5, "mention.replied", { mention_id: 1003, reply: makeReply(1003) });
    expect(why(mine.apply(replied))).toEqual(["replied", "Olive"]);
    expect(mine.size).toBe(0);
  });

  it("ignores the end of an earlier claim of the same mention", () => {
    const mine = new MyClaims("olive");
    mine.grant(grant(1, 2, "2026-02-08T20:02:00Z"));

    const releasedEarlier = { mention_id: 1001, holder: OLIVE, fence: 1 };
    expect(mine.apply(entry(2, "mention.released", releasedEarlier))).toBeNull();
    expect(mine.apply(claimed(1001, 1))).toBeNull();
    expect(mine.grant(grant(1, 1, "2026-02-08T20:01:00Z"))?.fence).toBe(2);
    expect(mine.get(1001)?.fence).toBe(2);
  });

  it("forgets a claim it ended itself", () => {
    const mine = new MyClaims("olive");
    mine.grant(grant(1, 1, "2026-02-08T20:02:00Z"));

    mine.drop(1001);

    const released = { mention_id: 1001, holder: OLIVE, fence: 1 };
    expect(mine.apply(entry(2, "mention.released", released))).toBeNull();
    expect(mine.list()).toEqual([]);
  });

  it("does not bring back a claim it ended on late news of it", () => {
    const mine = new MyClaims("olive");
    mine.grant(grant(1, 4, "2026-02-08T20:02:00Z"));
    mine.drop(1001); // answered: the HTTP call came back before the journal's entries

    const later = "2026-02-08T20:03:00Z";
    const renewal = { mention_id: 1001, holder: OLIVE, fence: 4, lease_until: later };
    expect(mine.apply(entry(2, "mention.renewed", renewal))).toBeNull();
    expect(mine.grant(grant(1, 4, later))).toBeNull();
    const replied = { mention_id: 1001, reply: makeReply(1001) };
    expect(mine.apply(entry(3, "mention.replied", replied))).toBeNull();
    expect(mine.size).toBe(0);

    // A new claim of the same mention is a new fence, and counts.
    expect(mine.apply(claimed(1001, 5))?.kind).toBe("gained");
  });
});
