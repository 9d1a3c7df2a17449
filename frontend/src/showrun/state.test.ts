import { describe, expect, it } from "vitest";
import type { JournalEntry } from "../stream/protocol";
import { ShowRun, clockText, countdown } from "./state";
import type { Cue, Draft, Post } from "./types";

let seq = 0;
const entry = (type: string, data: Record<string, unknown>, at = "2026-12-02T20:00:00Z"): JournalEntry => ({
  seq: ++seq,
  type,
  at,
  actor: "pat",
  data,
});

const cue = (id: number, position: number, extra: Partial<Cue> = {}): Cue => ({
  id,
  event_id: 1,
  title: `Cue ${id}`,
  position,
  trigger: "manual",
  fire_at: null,
  offset_seconds: null,
  due_at: null,
  armed: true,
  fire_count: 0,
  fired_at: null,
  fired_by: null,
  note: "team only",
  drafts: [],
  ...extra,
});

const draft = (id: number, cueId: number | null, status: Draft["status"], position = 1): Draft => ({
  id,
  event_id: 1,
  cue_id: cueId,
  position,
  title: `Draft ${id}`,
  content: { posts: [{ texts: { x: "Kickoff!" }, attachment_ids: [] }] },
  tags: [],
  note: null,
  status,
  version: 1,
  approved_version: null,
  approved_by: null,
  approved_at: null,
});

const post = (id: number, cueId: number, status: Post["status"]): Post => ({
  id,
  event_id: 1,
  draft_id: 10,
  cue_id: cueId,
  cue_firing: 1,
  network: "mastodon",
  thread_index: 0,
  text: "Kickoff!",
  status,
  attempts: 0,
  last_error: null,
  external_id: null,
  external_url: null,
  dry_run: true,
  created_at: "2026-12-02T20:00:00Z",
  published_at: null,
});

describe("the show run's reducer", () => {
  it("keeps the cues in running order as they are created and reordered", () => {
    const run = new ShowRun();
    run.apply(entry("cue.created", { cue: cue(1, 1) }));
    run.apply(entry("cue.created", { cue: cue(2, 2) }));
    run.apply(entry("cue.created", { cue: cue(3, 3) }));
    expect(run.sheet().map((c) => c.id)).toEqual([1, 2, 3]);
    run.apply(entry("cue.reordered", { cue_ids: [3, 1, 2] }));
    expect(run.sheet().map((c) => c.id)).toEqual([3, 1, 2]);
    run.apply(entry("cue.deleted", { cue: cue(1, 2) }));
    expect(run.sheet().map((c) => c.id)).toEqual([3, 2]);
  });

  it("follows a draft from draft through approval to published and forgets a deleted one", () => {
    const run = new ShowRun();
    run.reset([cue(1, 1)], [], []);
    run.apply(entry("draft.created", { draft: draft(10, 1, "draft") }));
    run.apply(entry("draft.submitted", { draft: draft(10, 1, "in_review") }));
    expect(run.readiness(1)).toMatchObject({ approved: 0, total: 1, ready: false });
    run.apply(entry("draft.approved", { draft: draft(10, 1, "approved") }));
    expect(run.readiness(1)).toMatchObject({ approved: 1, total: 1, ready: true, label: "1/1 approved" });
    run.apply(entry("draft.published", { draft_id: 10, by_hand: true, post_ids: [5] }));
    expect(run.drafts.get(10)?.status).toBe("published");
    run.apply(entry("draft.deleted", { draft: draft(10, 1, "published") }));
    expect(run.draftsOf(1)).toEqual([]);
  });

  it("keeps a viewer's draft without its note as the entry gives it", () => {
    const run = new ShowRun();
    const { note: _note, ...withoutNote } = draft(11, null, "draft");
    run.apply(entry("draft.created", { draft: withoutNote }));
    expect("note" in (run.drafts.get(11) ?? {})).toBe(false);
    expect(run.unplaced().map((d) => d.id)).toEqual([11]);
  });

  it("records a firing with what was and was not published, and moves the next cue on", () => {
    const run = new ShowRun();
    run.reset([cue(1, 1), cue(2, 2)], [draft(10, 1, "approved"), draft(11, 1, "in_review", 2)], []);
    expect(run.nextCue()?.id).toBe(1);
    run.apply(
      entry("cue.fired", {
        cue_id: 1,
        firing: 1,
        fired_by: { id: 2, username: "pat", display_name: "Pat" },
        by_schedule: false,
        post_ids: [7],
        not_published: [{ draft_id: 11, status: "in_review", reason: "it is not approved (it is in review)" }],
      }),
    );
    run.apply(entry("post.queued", { post: post(7, 1, "queued") }));
    expect(run.cues.get(1)).toMatchObject({ armed: false, fire_count: 1, fired_at: "2026-12-02T20:00:00Z" });
    expect(run.firings.get(1)?.notPublished[0]?.draft_id).toBe(11);
    expect(run.nextCue()?.id).toBe(2);
    run.apply(entry("post.published", { post: post(7, 1, "published") }));
    expect(run.postsOf(1).map((p) => p.status)).toEqual(["published"]);
  });

  it("brings a re-armed cue back as the next one and marks a missed cue until it changes", () => {
    const run = new ShowRun();
    run.reset([cue(1, 1, { armed: false, fire_count: 1 }), cue(2, 2)], [], []);
    run.apply(entry("cue.missed", { cue_id: 2, due_at: "2026-12-02T19:00:00Z", late_seconds: 3600, cue: cue(2, 2) }));
    expect(run.missed.has(2)).toBe(true);
    run.apply(entry("cue.rearmed", { cue_id: 1, firing: 2, cue: cue(1, 1, { fire_count: 1 }) }));
    expect(run.nextCue()?.id).toBe(1);
    run.apply(entry("cue.updated", { cue: cue(2, 2), changed: ["fire_at"] }));
    expect(run.missed.has(2)).toBe(false);
  });

  it("ignores entries of other domains", () => {
    const run = new ShowRun();
    expect(run.apply(entry("mention.claimed", { mention_id: 1 }))).toBe(false);
    expect(run.apply(entry("event.on_air", { on_air_at: "2026-12-02T20:00:00Z" }))).toBe(true);
    expect(run.onAirAt).toBe("2026-12-02T20:00:00Z");
  });
});

describe("the next cue's countdown", () => {
  const now = Date.parse("2026-12-02T20:00:00Z");

  it("counts down to a due time and says when it is due", () => {
    const due = cue(1, 1, { trigger: "at_time", due_at: "2026-12-02T20:02:05Z" });
    expect(countdown(due, now)).toMatchObject({ kind: "due", ms: 125_000, label: "in 02:05" });
    expect(countdown(due, now + 125_000).label).toBe("due now");
  });

  it("says manual for a manual cue and waits for air for a show-clock cue", () => {
    expect(countdown(cue(1, 1), now).label).toBe("manual");
    const offset = cue(2, 2, { trigger: "show_offset", offset_seconds: 600 });
    expect(countdown(offset, now).label).toBe("T+10:00 once on air");
    expect(countdown(cue(3, 3), now, true).kind).toBe("missed");
  });

  it("writes hours past the hour", () => {
    expect(clockText(3_723_000)).toBe("1:02:03");
    expect(clockText(-5)).toBe("00:00");
  });
});
