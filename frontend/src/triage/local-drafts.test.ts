import { beforeEach, describe, expect, it, vi } from "vitest";
import { makeMention } from "../testing/make";
import { DRAFT_MAX_AGE_MS, DRAFT_MAX_COUNT, LocalDrafts, newestDraft } from "./local-drafts";

let clock: number;
const now = () => clock;
const drafts = (user = "olive", eventId = 1) =>
  new LocalDrafts(window.localStorage, user, eventId, now);

beforeEach(() => {
  window.localStorage.clear();
  clock = Date.parse("2026-02-08T20:00:00Z");
});

describe("LocalDrafts", () => {
  it("keeps every keystroke where the next page load finds it, per person and event", () => {
    const mention = makeMention(1);
    const kept = drafts();
    kept.claimed(mention.id, 3, "", mention);
    kept.typed(mention.id, "It is back up, sorry", 3, mention);
    kept.typed(mention.id, "It is back up, sorry about that!", 3, mention);

    const reloaded = drafts();
    expect(reloaded.get(mention.id)?.text).toBe("It is back up, sorry about that!");
    expect(reloaded.get(mention.id)?.fence).toBe(3);
    expect(reloaded.get(mention.id)?.mention?.text).toBe(mention.text);
    expect(drafts("quinn").get(mention.id)).toBeUndefined();
    expect(drafts("olive", 2).get(mention.id)).toBeUndefined();
  });

  it("reopens the held draft typed last, not one whose claim ended", () => {
    const kept = drafts();
    kept.typed(1, "first", 1, makeMention(1));
    clock += 1_000;
    kept.typed(2, "second", 1, makeMention(2));
    clock += 1_000;
    kept.typed(3, "third", 1, makeMention(3));
    kept.ended(3);

    expect(drafts().latestHeld()?.mentionId).toBe(2);
    expect(drafts().get(3)?.text).toBe("third");
  });

  it("is gone once cleared (sent, released, dismissed)", () => {
    const kept = drafts();
    kept.typed(1, "Thanks!", 1, makeMention(1));
    kept.clear(1);

    expect(drafts().get(1)).toBeUndefined();
    expect(drafts().latestHeld()).toBeUndefined();
  });

  it("remembers the last texts handed to the server, for this claim only", () => {
    const kept = drafts();
    kept.typed(1, "a", 1, null);
    kept.sent(1, "a");
    kept.sent(1, "ab");
    kept.sent(1, "abc");
    kept.sent(1, "abcd");
    expect(kept.get(1)?.sent).toEqual(["ab", "abc", "abcd"]);

    kept.claimed(1, 2, "abc", null);
    expect(kept.get(1)?.sent).toEqual([]);
  });

  it("expires drafts older than a day and keeps at most the newest fifty", () => {
    const kept = drafts();
    kept.typed(1, "stale", 1, null);
    clock += DRAFT_MAX_AGE_MS + 1;
    for (let id = 100; id < 100 + DRAFT_MAX_COUNT + 5; id += 1) {
      clock += 1;
      drafts("olive", 2).typed(id, `draft ${id}`, 1, null);
    }
    window.localStorage.setItem("cuedesk.draft.olive.1.9", "{not json");

    const fresh = drafts();
    expect(fresh.get(1)).toBeUndefined();
    expect(fresh.get(9)).toBeUndefined();
    const left = Object.keys(window.localStorage).filter((key) => key.startsWith("cuedesk.draft."));
    expect(left).toHaveLength(DRAFT_MAX_COUNT);
    expect(drafts("olive", 2).get(100)).toBeUndefined();
    expect(drafts("olive", 2).get(100 + DRAFT_MAX_COUNT + 4)?.text).toBe("draft 154");
  });

  it("carries on without storage when the browser refuses it", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const full = {
      length: 0,
      key: () => null,
      getItem: () => null,
      setItem: () => {
        throw new DOMException("full", "QuotaExceededError");
      },
      removeItem: () => undefined,
      clear: () => undefined,
    } satisfies Storage;
    const kept = new LocalDrafts(full, "olive", 1, now);

    expect(() => kept.typed(1, "still typing", 1, null)).not.toThrow();
    expect(() => new LocalDrafts(null, "olive", 1, now).typed(1, "x", 1, null)).not.toThrow();
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});

describe("newestDraft", () => {
  const local = (sent: string[]) => ({
    mentionId: 1,
    text: "It is back up, sorry about that!",
    fence: 1,
    held: true,
    sent,
    at: 0,
    mention: null,
  });

  it("keeps this browser's text when the server's draft is one it sent (a reload)", () => {
    const browser = "It is back up, sorry about that!";
    const saved = "It is back up, sorry";
    const newest = newestDraft(browser, saved, local([saved]), false);

    expect(newest.text).toBe(browser);
    expect(newest.source).toBe("browser");
    expect(newest.note).toBe("Draft restored from this browser (newer than the server's)");
  });

  it("takes the server's draft when another console saved after this browser", () => {
    const newest = newestDraft("It is back", "Fixed now, enjoy!", local(["It is back"]), false);

    expect(newest.text).toBe("Fixed now, enjoy!");
    expect(newest.source).toBe("server");
    expect(newest.note).toMatch(/^Draft restored from the server/u);
  });

  it("keeps what was typed while claiming, and fills an empty box from the server", () => {
    expect(newestDraft("typed just now", "older", undefined, true)).toEqual({
      text: "typed just now",
      source: "browser",
      note: "",
    });
    expect(newestDraft("", "on the server", undefined, false)).toEqual({
      text: "on the server",
      source: "server",
      note: "Draft restored",
    });
    expect(newestDraft("only here", null, undefined, false).source).toBe("browser");
    expect(newestDraft("same", "same", undefined, false).source).toBe("same");
  });
});
