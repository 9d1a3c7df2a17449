import { describe, expect, it } from "vitest";
import type { Mention, Reply } from "../feed/types";
import { OLIVE, QUINN, entry, makeMention, makeReply } from "../testing/make";
import { applyEntries, applyEntry, isTriageEntry, mentionIdOf } from "./apply";

const ID = 1001;
const UNTIL = "2026-02-08T20:02:30Z";
const claimed = (seq: number, fence: number, holder = OLIVE, until = UNTIL) =>
  entry(seq, "mention.claimed", { mention_id: ID, holder, fence, lease_until: until });
const renewed = (seq: number, fence: number, until: string) =>
  entry(seq, "mention.renewed", { mention_id: ID, holder: OLIVE, fence, lease_until: until });
const released = (seq: number, fence: number, type = "mention.released") =>
  entry(seq, type, { mention_id: ID, holder: OLIVE, fence });
// As the server writes them: reply.* entries name the mention only inside the reply.
const replyEntry = (seq: number, type: string, overrides: Partial<Reply> = {}) => {
  const reply = makeReply(ID, overrides);
  return entry(seq, type, type === "mention.replied" ? { mention_id: ID, reply } : { reply });
};

describe("applyEntry", () => {
  it("shows a claim, its renewal and its release", () => {
    const mention = makeMention(1);

    expect(applyEntry(mention, claimed(2, 1))).toBe(true);
    expect(mention.state).toBe("claimed");
    expect(mention.claim).toEqual({ holder: OLIVE, fence: 1, lease_until: UNTIL });

    applyEntry(mention, renewed(3, 1, "2026-02-08T20:03:00Z"));
    expect(mention.claim?.lease_until).toBe("2026-02-08T20:03:00Z");

    expect(applyEntry(mention, released(4, 1))).toBe(true);
    expect(mention.claim).toBeNull();
    expect(mention.state).toBe("new");
  });

  it("frees a claim whose lease ran out, and shows a take-over as the new holder", () => {
    const mention = makeMention(1);
    applyEntry(mention, claimed(2, 1));
    applyEntry(mention, released(3, 1, "mention.claim_expired"));
    expect(mention.claim).toBeNull();

    applyEntry(mention, claimed(4, 2, OLIVE));
    const takeOver = claimed(5, 3, QUINN);
    takeOver.data.taken_over_from = OLIVE;
    applyEntry(mention, takeOver);
    expect(mention.claim?.holder).toEqual(QUINN);
    expect(mention.claim?.fence).toBe(3);
  });

  it("never lets an older fence undo what a newer snapshot shows", () => {
    // Loaded after fence 2 was granted; the replay brings fence 1's story again.
    const claim = { holder: QUINN, fence: 2, lease_until: "2026-02-08T20:05:00Z" };
    const mention = makeMention(1, { state: "claimed", claim: { ...claim } });

    expect(applyEntry(mention, claimed(2, 1, OLIVE))).toBe(false);
    expect(applyEntry(mention, released(3, 1))).toBe(false);
    expect(applyEntry(mention, renewed(4, 1, "2026-02-08T20:09:00Z"))).toBe(false);

    expect(mention.claim).toEqual(claim);
    expect(mention.state).toBe("claimed");
  });

  it("keeps replied and dismissed final", () => {
    const answered = makeMention(1, { state: "replied" });
    expect(applyEntry(answered, claimed(2, 1))).toBe(false);
    expect(answered.state).toBe("replied");

    const dismissed = makeMention(1);
    applyEntry(dismissed, claimed(2, 1));
    const ended = { holder: OLIVE, fence: 1 };
    const dismissal = { mention_id: ID, reason: null, ended_claim: ended };
    applyEntry(dismissed, entry(3, "mention.dismissed", dismissal));
    expect(dismissed.state).toBe("dismissed");
    expect(dismissed.claim).toBeNull();
    expect(applyEntry(dismissed, claimed(4, 2))).toBe(false);
  });

  it("follows a reply from queued to published, and ends the claim", () => {
    const mention = makeMention(1);
    applyEntry(mention, claimed(2, 1));

    applyEntry(mention, replyEntry(3, "mention.replied"));
    expect(mention.state).toBe("replied");
    expect(mention.claim).toBeNull();
    expect(mention.reply?.status).toBe("queued");

    applyEntry(mention, replyEntry(4, "reply.sending", { status: "sending" }));
    applyEntry(
      mention,
      replyEntry(5, "reply.retrying", {
        status: "retrying",
        last_error: "timeout",
        next_attempt_at: "2026-02-08T20:01:04Z",
      }),
    );
    expect(mention.reply?.last_error).toBe("timeout");

    applyEntry(mention, replyEntry(6, "reply.published", { status: "published", dry_run: true }));
    expect(mention.reply).toMatchObject({ status: "published", dry_run: true });
  });

  it("ignores news of an earlier reply once a later one is shown", () => {
    const mention = makeMention(1, { reply: makeReply(ID, { id: 9, status: "published" }) });

    expect(applyEntry(mention, replyEntry(2, "reply.failed", { id: 8, status: "failed" }))).toBe(
      false,
    );
    expect(mention.reply?.id).toBe(9);
  });

  it("keeps tags and the flag", () => {
    const mention = makeMention(1);
    const tagged = (seq: number, type: string, tag: string, tags: string[]) =>
      entry(seq, type, { mention_id: ID, tag, tags });

    applyEntry(mention, tagged(2, "mention.tagged", "vip", ["prize", "vip"]));
    expect(mention.tags).toEqual(["prize", "vip"]);
    applyEntry(mention, tagged(3, "mention.untagged", "prize", ["vip"]));
    expect(mention.tags).toEqual(["vip"]);

    const flagged = (seq: number, reason: string) =>
      entry(seq, "mention.flagged", { mention_id: ID, reason });
    expect(applyEntry(mention, flagged(4, "legal"))).toBe(true);
    expect(mention.flagged).toBe(true);
    expect(applyEntry(mention, flagged(5, "other"))).toBe(false);
    applyEntry(mention, entry(6, "mention.unflagged", { mention_id: ID }));
    expect(mention.flagged).toBe(false);
  });

  it("keeps each note once, by its id", () => {
    const mention = makeMention(1);
    const note = { id: 3, mention_id: ID, text: "VIP", author: OLIVE, created_at: UNTIL };
    const noted = (seq: number, id: number) =>
      entry(seq, "mention.noted", { mention_id: ID, note: { ...note, id } });

    expect(applyEntry(mention, noted(2, 3))).toBe(true);
    expect(applyEntry(mention, noted(3, 3))).toBe(false); // a reset's replay
    expect(applyEntry(mention, noted(4, 4))).toBe(true);

    expect(mention.notes?.map((item) => item.id)).toEqual([3, 4]);
    expect(isTriageEntry(noted(5, 5))).toBe(true);
  });

  it("skips malformed entries and types it does not know", () => {
    const mention = makeMention(1);
    const odd = [
      entry(2, "mention.claimed", { mention_id: ID, fence: "1" }),
      entry(3, "mention.replied", { mention_id: ID, reply: { id: "x" } }),
      entry(4, "mention.noted", { mention_id: ID, note: {} }),
    ];

    for (const item of odd) expect(applyEntry(mention, item)).toBe(false);
    expect(mention).toEqual(makeMention(1));
  });
});

describe("applyEntries", () => {
  it("finds each entry's mention, ignores the ones not held, and answers each change once", () => {
    const held = new Map<number, Mention>([[ID, makeMention(1)]]);
    const elsewhere = { mention_id: 5, holder: OLIVE, fence: 1, lease_until: UNTIL };

    const changed = applyEntries(
      [
        claimed(2, 1),
        entry(3, "mention.claimed", elsewhere),
        replyEntry(4, "mention.replied"),
        replyEntry(5, "reply.published", { status: "published" }),
      ],
      (id) => held.get(id),
    );

    expect(changed.map((mention) => mention.id)).toEqual([ID]);
    expect(held.get(ID)?.reply?.status).toBe("published");
  });

  it("reads the mention of a reply's entry from the reply", () => {
    expect(mentionIdOf(entry(1, "reply.sending", { reply: makeReply(42) }))).toBe(42);
    expect(mentionIdOf(entry(1, "mention.flagged", { mention_id: 7 }))).toBe(7);
    expect(mentionIdOf(entry(1, "event.updated", { name: "x" }))).toBeNull();
  });
});
