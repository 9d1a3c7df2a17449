// The cue sheet in the desk's show column: the next cue standing by in a banner with its
// countdown and readiness, the cues in running order with their drafts and posts, and the
// producer's controls (fire, re-arm, approve, schedule, reorder by Alt+↑/↓ or dragging).
// State lives in ShowRun; this only draws it and sends the calls, whose journal entries
// come back through the stream and redraw the sheet.

import "./sheet.css";
import { el } from "../lib/dom";
import type { JournalEntry, PresenceUser } from "../stream/protocol";
import { postJSON, readSnapshot, request } from "./api";
import { type CueFields, cueForm } from "./cue-form";
import { DraftEditor } from "./draft-editor";
import { QuickPost } from "./quick-post";
import { canDirect, canWrite } from "./roles";
import { ShowRun, countdown } from "./state";
import type { Cue, Draft, Firing, Post } from "./types";

export const CONFIRM_KEY = "cuedesk.sheet.confirm-fire";
const TYPING = "input, textarea, select, [contenteditable]";

export interface ShowRunMount {
  element: HTMLElement;
  eventId: number;
  role: string;
  me: string;
}

export interface ShowRunView {
  entries(entries: readonly JournalEntry[]): void;
  reload(): void;
  presence(users: readonly PresenceUser[]): void;
}

const STATUS_LABEL: Record<string, string> = {
  draft: "draft",
  in_review: "in review",
  approved: "approved",
  published: "published",
};

function confirmWanted(): boolean {
  try {
    return localStorage.getItem(CONFIRM_KEY) !== "off";
  } catch {
    return true;
  }
}

export function mountShowRun(mount: ShowRunMount): ShowRunView {
  const { element, eventId, role } = mount;
  const run = new ShowRun();
  const director = canDirect(role);
  const writer = canWrite(role);
  let networks: string[] = ["x", "mastodon", "bluesky"];
  // A quick post asked for before the sheet's first read opens once the event's own
  // networks are known, so its composer never offers a network the event does not post on.
  let markLoaded: () => void = () => undefined;
  const loaded = new Promise<void>((resolve) => {
    markLoaded = resolve;
  });
  let confirming = false;
  let cueFormFor: number | "new" | null = null;
  let message = "";

  const banner = el("section", "cue-banner");
  banner.id = "cue-next";
  banner.setAttribute("aria-live", "polite");
  const tools = el("div", "cue-tools");
  const formSlot = el("div", "cue-form-slot");
  const list = el("ol", "cue-list");
  list.setAttribute("aria-label", "Cue sheet, in running order");
  const unplaced = el("section", "cue-unplaced");
  const editorSlot = el("section", "draft-editor-slot");
  const status = el("p", "cue-status");
  status.setAttribute("role", "status");
  element.hidden = false;
  element.replaceChildren(banner, status, tools, formSlot, list, unplaced, editorSlot);

  const editor = new DraftEditor(editorSlot, { eventId, role, me: mount.me, networks: () => networks, draft: (id) => run.drafts.get(id),
    cues: () => run.sheet(),
  });
  const quick = new QuickPost(eventId, role, () => networks);

  const say = (text: string): void => {
    message = text;
    status.textContent = text;
  };
  const attempt = (work: Promise<unknown>, done?: string): void => {
    work.then(
      () => done && say(done),
      (error: unknown) => say(error instanceof Error ? error.message : String(error)),
    );
  };

  // ---- the banner: the next cue, its countdown and readiness, and the fire button ----
  const countdownText = el("span", "cue-countdown");
  const drawBanner = (): void => {
    const next = run.nextCue();
    if (!next) {
      banner.replaceChildren(el("span", "cue-banner-empty", "No cue standing by."));
      return;
    }
    const ready = run.readiness(next.id);
    countdownText.textContent = countdown(next, Date.now(), run.missed.has(next.id)).label;
    const head = el("div", "cue-banner-head");
    head.append(el("span", "cue-banner-label", "Next"), el("strong", "cue-banner-title", next.title), countdownText);
    const readiness = el("span", ready.ready ? "cue-ready" : "cue-not-ready", ready.label);
    banner.replaceChildren(head, readiness);
    banner.dataset.cueId = String(next.id);
    if (!director) return;
    const fire = el("button", "primary cue-fire", confirming ? `Fire “${next.title}” now` : "Fire (shift+F)");
    fire.addEventListener("click", fireNext);
    banner.append(fire);
    if (confirming) {
      const cancel = el("button", undefined, "Cancel");
      cancel.addEventListener("click", () => {
        confirming = false;
        drawBanner();
      });
      banner.append(cancel);
      queueMicrotask(() => fire.focus());
    }
    const ask = el("label", "cue-confirm");
    const box = el("input");
    box.type = "checkbox";
    box.checked = confirmWanted();
    box.addEventListener("change", () => {
      try {
        localStorage.setItem(CONFIRM_KEY, box.checked ? "on" : "off");
      } catch {
        // Private browsing without storage: the box still works for this page.
      }
    });
    ask.append(box, " ask before firing");
    banner.append(ask);
  };

  // The first press asks (when the producer wants it asked), the second fires.
  const fireNext = (): void => {
    const next = run.nextCue();
    if (!next || !director) return;
    if (confirmWanted() && !confirming) {
      confirming = true;
      drawBanner();
      return;
    }
    confirming = false;
    fire(next);
  };

  const fire = (cue: Cue): void => {
    attempt(
      postJSON<{ post_ids: number[]; not_published: unknown[] }>(`/api/cues/${cue.id}/fire`).then((answer) => {
        say(`Fired “${cue.title}”: ${answer.post_ids.length} posts queued, ${answer.not_published.length} drafts not published.`);
      }),
    );
    drawBanner();
  };

  // ---- the list ----
  const postsLine = (cue: Cue, firing: Firing | undefined, posts: Post[]): HTMLElement => {
    const box = el("div", "cue-posts");
    const counts = new Map<string, number>();
    for (const post of posts) counts.set(post.status, (counts.get(post.status) ?? 0) + 1);
    const summary = [...counts].map(([state, n]) => `${n} ${state}`).join(", ");
    box.append(el("span", "cue-posts-summary", `Firing ${cue.fire_count}: ${summary || "no posts"}`));
    const items = el("ul", "cue-post-list");
    for (const post of posts) {
      const item = el("li", `post-${post.status}`);
      item.dataset.postId = String(post.id);
      item.dataset.status = post.status;
      item.append(el("span", "post-network", post.network), el("span", "post-status", post.status));
      if (post.external_url) {
        const link = el("a", undefined, "open");
        link.href = post.external_url;
        link.target = "_blank";
        link.rel = "noopener";
        item.append(link);
      }
      if (post.last_error) item.append(el("span", "post-error", post.last_error));
      items.append(item);
    }
    box.append(items);
    for (const skipped of firing?.notPublished ?? []) {
      const title = run.drafts.get(skipped.draft_id)?.title ?? `Draft ${skipped.draft_id}`;
      box.append(el("p", "cue-not-published", `Not published: ${title}: ${skipped.reason}`));
    }
    return box;
  };

  const draftRow = (draft: Draft | { id: number; title: string; status: string }): HTMLElement => {
    const row = el("li", `draft-row draft-${draft.status}`);
    row.dataset.draftId = String(draft.id);
    const open = el("button", "draft-open", draft.title || `Draft ${draft.id}`);
    open.addEventListener("click", () => editor.open(draft.id));
    row.append(open, el("span", "draft-status", STATUS_LABEL[draft.status] ?? draft.status));
    const editing = editorsOf(draft.id);
    if (editing.length) row.append(el("span", "draft-presence", `${editing.join(", ")} editing`));
    return row;
  };

  const cueItem = (cue: Cue): HTMLElement => {
    const item = el("li", "cue-item");
    item.dataset.cueId = String(cue.id);
    item.tabIndex = 0;
    item.classList.toggle("cue-fired", !cue.armed);
    item.classList.toggle("cue-missed", run.missed.has(cue.id));
    const head = el("div", "cue-head");
    head.append(el("span", "cue-title", cue.title), el("span", "cue-when", countdown(cue, Date.now(), run.missed.has(cue.id)).label));
    head.append(el("span", "cue-meta", run.readiness(cue.id).label));
    if (!cue.armed) head.append(el("span", "cue-meta cue-fired-mark", cue.fire_count === 1 ? "fired once" : `fired ${cue.fire_count} times`));
    item.append(head);
    if (cue.note) item.append(el("p", "cue-note", cue.note));
    const drafts = el("ul", "cue-drafts");
    const known = run.draftsOf(cue.id);
    for (const draft of known.length ? known : cue.drafts) drafts.append(draftRow(draft));
    item.append(drafts);
    if (cue.fire_count > 0) item.append(postsLine(cue, run.firings.get(cue.id), run.postsOf(cue.id, cue.fire_count)));
    const actions = el("div", "cue-actions");
    if (writer) {
      const add = el("button", undefined, "New draft");
      add.addEventListener("click", () => editor.create(cue.id));
      actions.append(add);
    }
    if (director) {
      const approve = el("button", undefined, "Approve cue");
      approve.addEventListener("click", () => attempt(bulkApprove({ cue_id: cue.id })));
      const edit = el("button", undefined, "Edit");
      edit.addEventListener("click", () => {
        cueFormFor = cue.id;
        drawForm();
      });
      actions.append(approve, edit);
      if (cue.armed) {
        const now = el("button", undefined, "Fire");
        now.addEventListener("click", () => fire(cue));
        actions.append(now);
      } else {
        const rearm = el("button", undefined, "Re-arm");
        rearm.addEventListener("click", () => attempt(postJSON(`/api/cues/${cue.id}/rearm`), `Re-armed “${cue.title}”.`));
        actions.append(rearm);
      }
      item.draggable = true;
    }
    item.append(actions);
    return item;
  };

  const drawList = (): void => {
    const focused = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>(".cue-item")?.dataset.cueId;
    const cues = run.sheet();
    list.replaceChildren(...cues.map(cueItem));
    if (cues.length === 0) list.append(el("li", "side-empty", "No cues yet."));
    const loose = run.unplaced();
    unplaced.replaceChildren();
    if (loose.length) {
      const rows = el("ul", "cue-drafts");
      rows.append(...loose.map(draftRow));
      unplaced.append(el("h3", undefined, "Drafts on no cue"), rows);
    }
    if (focused) list.querySelector<HTMLElement>(`[data-cue-id="${focused}"]`)?.focus();
  };

  const drawTools = (): void => {
    tools.replaceChildren();
    if (writer) {
      const add = el("button", undefined, "New draft");
      add.addEventListener("click", () => editor.create(null));
      tools.append(add);
    }
    if (director) {
      const approveAll = el("button", undefined, "Approve sheet");
      approveAll.addEventListener("click", () => attempt(bulkApprove({ all: true })));
      const addCue = el("button", undefined, "New cue");
      addCue.addEventListener("click", () => {
        cueFormFor = "new";
        drawForm();
      });
      tools.append(approveAll, addCue);
    }
  };

  const drawForm = (): void => {
    if (cueFormFor === null) return void formSlot.replaceChildren();
    const cue = cueFormFor === "new" ? null : (run.cues.get(cueFormFor) ?? null);
    const close = (): void => {
      cueFormFor = null;
      formSlot.replaceChildren();
    };
    const submit = async (fields: CueFields): Promise<void> => {
      if (cue) await request("PATCH", `/api/cues/${cue.id}`, fields);
      else await postJSON(`/api/events/${eventId}/cues`, fields);
      close();
    };
    formSlot.replaceChildren(cueForm(cue, submit, close));
  };

  const bulkApprove = async (body: Record<string, unknown>): Promise<void> => {
    const answer = await postJSON<{ approved: unknown[]; skipped: { reason: string }[] }>(
      `/api/events/${eventId}/drafts/approve`,
      body,
    );
    say(`Approved ${answer.approved.length}; skipped ${answer.skipped.length}.`);
  };

  // ---- reordering: Alt+↑/↓ on a cue, or dragging it ----
  const move = (cueId: number, to: number): void => {
    const ids = run.sheet().map((cue) => cue.id);
    const from = ids.indexOf(cueId);
    if (from < 0 || to < 0 || to >= ids.length || to === from) return;
    ids.splice(from, 1);
    ids.splice(to, 0, cueId);
    // Drawn at once; the cue.reordered entry confirms it (or a refusal reloads the sheet).
    run.apply({ seq: 0, type: "cue.reordered", at: new Date().toISOString(), actor: null, data: { cue_ids: ids } });
    drawList();
    request("PUT", `/api/events/${eventId}/cues/order`, { cue_ids: ids }).catch((error: unknown) => {
      say(error instanceof Error ? error.message : String(error));
      reload();
    });
  };
  list.addEventListener("keydown", (event) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>(".cue-item");
    if (!item || event.target !== item || !event.altKey || !director) return;
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    event.preventDefault();
    const id = Number(item.dataset.cueId);
    const index = run.sheet().findIndex((cue) => cue.id === id);
    move(id, index + (event.key === "ArrowUp" ? -1 : 1));
  });
  let dragged: number | null = null;
  list.addEventListener("dragstart", (event) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>(".cue-item");
    dragged = item ? Number(item.dataset.cueId) : null;
    event.dataTransfer?.setData("text/plain", String(dragged));
  });
  list.addEventListener("dragover", (event) => {
    if (dragged !== null) event.preventDefault();
  });
  list.addEventListener("drop", (event) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>(".cue-item");
    if (dragged === null || !item) return;
    event.preventDefault();
    move(dragged, run.sheet().findIndex((cue) => cue.id === Number(item.dataset.cueId)));
    dragged = null;
  });

  // ---- keys from anywhere: shift+F fires the next cue, shift+P opens a quick post ----
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
    // A letter typed into a field is a letter; on a button it is still a key.
    if (event.target instanceof Element && event.target.closest(TYPING)) return;
    // Shift+F and shift+P, as the feed's shift+N: caps lock alone fires nothing.
    if (event.key === "F" && event.shiftKey && director) {
      event.preventDefault();
      fireNext();
    } else if (event.key === "P" && event.shiftKey && writer) {
      event.preventDefault();
      void loaded.then(() => quick.open());
    } else if (event.key === "Escape" && confirming) {
      confirming = false;
      drawBanner();
    }
  });

  // ---- presence: who is editing which draft ----
  let presence: readonly PresenceUser[] = [];
  function editorsOf(draftId: number): string[] {
    return presence
      .filter((user) => user.username !== mount.me && (user.editing ?? []).includes(draftId))
      .map((user) => user.display_name || user.username);
  }

  const draw = (): void => {
    drawBanner();
    drawList();
    editor.refresh();
    status.textContent = message;
  };

  let reading: JournalEntry[] | null = null;
  function reload(): void {
    const since: JournalEntry[] = [];
    reading = since;
    readSnapshot(eventId).then(
      (snapshot) => {
        networks = snapshot.networks;
        markLoaded();
        quick.needsApproval = snapshot.quickPostsNeedApproval;
        run.reset(snapshot.cues, snapshot.drafts, snapshot.posts);
        // Entries that arrived while the read was out may be newer than it: apply them again.
        run.applyAll(since);
        if (reading === since) reading = null;
        draw();
      },
      (error: unknown) => say(error instanceof Error ? error.message : String(error)),
    );
  }

  drawTools();
  setInterval(() => {
    const next = run.nextCue();
    if (next) countdownText.textContent = countdown(next, Date.now(), run.missed.has(next.id)).label;
  }, 250);

  return {
    reload,
    entries(entries) {
      reading?.push(...entries);
      if (entries.some((entry) => entry.type === "event.updated")) quick.refresh();
      if (run.applyAll(entries)) draw();
    },
    presence(users) {
      presence = users;
      drawList();
      editor.presence(editorsOf);
    },
  };
}
