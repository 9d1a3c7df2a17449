import { beforeEach, describe, expect, it } from "vitest";
import type { Mention } from "../feed/types";
import { OLIVE, makeMention, makeReply } from "../testing/make";
import { renderMention } from "./mention-view";
import { showTriage, showTyping } from "./triage-row";

const TRACKED = new Set<string>();
const QUINN_VIEWS = { me: "quinn", retriesAny: false };
let row: HTMLElement;

const draw = (mention: Mention, me = "quinn") => {
  row = renderMention(mention, TRACKED, { me, retriesAny: false });
  document.body.replaceChildren(row);
};
const text = (selector: string) => row.querySelector(selector)?.textContent ?? null;

beforeEach(() => {
  document.body.innerHTML = "";
});

describe("a row's triage", () => {
  it("costs a new, unclaimed mention no extra line", () => {
    draw(makeMention(1));

    expect(row.dataset.state).toBe("new");
    expect(text(".m-claim")).toBe("");
    expect(row.querySelector(".m-outcome")).toBeNull();
  });

  it("names the holder, or says it is yours, with the lease end", () => {
    const claim = { holder: OLIVE, fence: 1, lease_until: "2026-02-08T20:02:30Z" };
    draw(makeMention(1, { state: "claimed", claim }));
    expect(text(".m-holder")).toBe("Held by Olive");
    expect(text(".m-lease")).toMatch(/^ · until \d\d:\d\d:\d\d$/u);

    draw(makeMention(1, { state: "claimed", claim }), "olive");
    expect(text(".m-holder")).toBe("You hold this");
    expect(row.classList.contains("is-mine")).toBe(true);
  });

  it("clears the holder when the claim ends", () => {
    const mention = makeMention(1, {
      state: "claimed",
      claim: { holder: OLIVE, fence: 1, lease_until: "2026-02-08T20:02:30Z" },
    });
    draw(mention);

    mention.claim = null;
    mention.state = "new";
    showTriage(row, mention, QUINN_VIEWS);

    expect(text(".m-claim")).toBe("");
    expect(row.classList.contains("is-held")).toBe(false);
  });

  it("shows what was sent, and who sent it, as text", () => {
    const reply = makeReply(1001, { text: "Silva, in the 89th! <b>@ana</b>" });
    draw(makeMention(1, { state: "replied", reply }));

    expect(text(".m-sent-by")).toBe("Olive: ");
    expect(text(".m-sent-text")).toBe("Silva, in the 89th! <b>@ana</b>");
    expect(row.querySelector(".m-sent b")).toBeNull();
  });

  it("says a reply is published, marking a dry run", () => {
    const reply = makeReply(1001, { status: "published", dry_run: true, external_id: "dryrun-1" });
    draw(makeMention(1, { state: "replied", reply }));

    expect(text(".m-state")).toBe("Answered ✓");
    expect(text(".m-reply-status")).toBe("Published (dry run)");
    expect(row.querySelector(".m-reply-link")).toBeNull();
  });

  it("links a real post, and only over http(s)", () => {
    const published = (url: string) =>
      makeReply(1001, { status: "published", dry_run: false, external_url: url });
    draw(makeMention(1, { state: "replied", reply: published("https://x.example/s/1") }));
    const link = row.querySelector<HTMLAnchorElement>(".m-reply-link");
    expect(link?.href).toBe("https://x.example/s/1");

    draw(makeMention(1, { state: "replied", reply: published("javascript:alert(1)") }));
    expect(row.querySelector(".m-reply-link")).toBeNull();
  });

  it("shows a retry's error and next attempt, and a failure's Retry button to its author", () => {
    const retrying = makeReply(1001, {
      status: "retrying",
      last_error: "timeout after 10 s",
      next_attempt_at: "2026-02-08T20:01:08Z",
    });
    draw(makeMention(1, { state: "replied", reply: retrying }), "olive");
    expect(text(".m-reply-status")).toBe("Retrying: timeout after 10 s");
    expect(text(".m-reply-detail")).toMatch(/next attempt at \d\d:\d\d:\d\d$/u);
    expect(text(".m-retry")).toBe("Retry now");

    const failed = makeReply(1001, { id: 4, status: "failed", last_error: "401 Unauthorized" });
    draw(makeMention(1, { state: "replied", reply: failed }), "olive");
    expect(text(".m-reply-status")).toBe("Failed: 401 Unauthorized");
    expect(row.querySelector<HTMLElement>(".m-retry")?.dataset.retry).toBe("4");
    expect(text(".m-retry")).toBe("Retry");
    // A failed one can be edited too; a retrying one may still land, so it cannot.
    expect(row.querySelector<HTMLElement>(".m-edit-reply")?.dataset.editReply).toBe("4");
    draw(makeMention(1, { state: "replied", reply: retrying }), "olive");
    expect(row.querySelector(".m-edit-reply")).toBeNull();
    const unanswered = { ...failed, last_error: "timeout (gave up after 6 attempts)" };
    draw(makeMention(1, { state: "replied", reply: unanswered }), "olive");
    expect(row.querySelector(".m-retry")).not.toBeNull();
    expect(row.querySelector(".m-edit-reply")).toBeNull();
  });

  it("offers another operator's failed reply a Retry only to a producer", () => {
    const failed = makeMention(1, { state: "replied", reply: makeReply(1001, { status: "failed" }) });
    draw(failed, "quinn");
    expect(text(".m-reply-status")).toMatch(/^Failed/u);
    expect(row.querySelector(".m-retry, .m-edit-reply")).toBeNull();

    row = renderMention(failed, TRACKED, { me: "pat", retriesAny: true });
    expect(row.querySelector(".m-retry")?.textContent).toBe("Retry");
  });

  it("shows dismissed, the flag and tags, and keeps mention text out of markup", () => {
    draw(makeMention(1, { state: "dismissed", flagged: true, tags: ["<b>vip</b>"] }));

    expect(text(".m-state")).toBe("Dismissed");
    expect(text(".m-flag")).toBe("⚑ Flagged");
    expect(text(".m-tag-name")).toBe("<b>vip</b>");
    expect(row.querySelector("b")).toBeNull();
  });

  it("marks a flagged row, and clears it when the flag comes off", () => {
    const mention = makeMention(1, { flagged: true });
    draw(mention);
    expect(text(".m-flag")).toBe("⚑ Flagged");
    expect(row.classList.contains("is-flagged")).toBe(true);

    mention.flagged = false;
    showTriage(row, mention, QUINN_VIEWS);

    expect(row.querySelector(".m-flag")).toBeNull();
    expect(row.querySelector(".m-outcome")).toBeNull();
    expect(row.classList.contains("is-flagged")).toBe(false);
  });

  it("gives each tag a × that names it", () => {
    draw(makeMention(1, { tags: ["prize", "vip"], author: { handle: "ana" } }));

    const buttons = [...row.querySelectorAll<HTMLButtonElement>(".m-tag-remove")];
    expect(buttons.map((button) => button.dataset.untag)).toEqual(["prize", "vip"]);
    expect(buttons[1]?.type).toBe("button");
    expect(buttons[1]?.getAttribute("aria-label")).toBe("Remove the tag vip from ana");
  });

  it("counts the notes seen, their text in the tooltip only", () => {
    const note = (id: number, text: string) => ({
      id,
      mention_id: 1001,
      text,
      author: OLIVE,
      created_at: "2026-02-08T20:01:00Z",
    });
    const mention = makeMention(1);
    draw(mention);

    mention.notes = [note(1, "Asked twice already")];
    showTriage(row, mention, QUINN_VIEWS);
    expect(text(".m-notes")).toBe("📝 1");
    expect(row.querySelector(".m-notes")?.getAttribute("aria-label")).toBe("1 internal note");

    mention.notes = [...mention.notes, note(2, "<i>legal</i> says wait")];
    showTriage(row, mention, QUINN_VIEWS);
    const badge = row.querySelector<HTMLElement>(".m-notes");
    expect(badge?.textContent).toBe("📝 2");
    expect(badge?.title).toContain("Olive: <i>legal</i> says wait");
    expect(row.querySelector("i")).toBeNull();
  });

  it("says who is typing a reply", () => {
    draw(makeMention(1));

    showTyping(row, ["Olive"]);
    expect(text(".m-typing")).toBe("Olive is typing…");
    showTyping(row, ["Olive", "Pat"]);
    expect(text(".m-typing")).toBe("Olive, Pat are typing…");
    showTyping(row, []);
    expect(text(".m-typing")).toBe("");
  });
});
