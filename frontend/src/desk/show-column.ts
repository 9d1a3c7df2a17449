// The show column: the show clock large, and the cue sheet below it. Until the cue sheet's
// own view lands this draws the sheet read-only from GET /api/events/{id}/cues ("No cues
// yet" when empty) and hides it when the server has no such route (404). The cue sheet's
// view replaces `renderCues` by mounting into `#cue-sheet` (see mountCueSheet).

import { ApiError, getJSON } from "../lib/api";
import { el } from "../lib/dom";
import type { JournalEntry } from "../stream/protocol";

/** The parts of CuePublic (docs/showrun contract) this read-only sheet shows. */
export interface CueSummary {
  id: number;
  title: string;
  position: number;
  trigger: string;
  armed: boolean;
  fire_count: number;
  drafts: { id: number; title: string; status: string }[];
}

export interface CueSheetMount {
  /** The container to fill; the clock above it is not the sheet's. */
  element: HTMLElement;
  eventId: number;
  role: string;
}

/** What the show column shows until the cue sheet's own view takes the container. */
export function renderCues(container: HTMLElement, cues: readonly CueSummary[] | null): void {
  if (cues === null) {
    container.hidden = true;
    container.replaceChildren();
    return;
  }
  container.hidden = false;
  if (cues.length === 0) {
    container.replaceChildren(el("p", "side-empty", "No cues yet."));
    return;
  }
  const list = el("ol", "cue-list");
  list.setAttribute("aria-label", "Cue sheet, in running order");
  for (const cue of [...cues].sort((a, b) => a.position - b.position)) {
    const item = el("li", "cue-item");
    item.dataset.cueId = String(cue.id);
    const ready = cue.drafts.filter((draft) => draft.status === "approved").length;
    item.append(
      el("span", "cue-title", cue.title),
      el("span", "cue-meta", `${ready}/${cue.drafts.length} approved`),
    );
    if (cue.fire_count > 0) item.append(el("span", "cue-meta", cue.armed ? "re-armed" : "fired"));
    list.append(item);
  }
  container.replaceChildren(list);
}

/** The event's cues, or null when this server has no cue sheet (the route answers 404). */
export async function loadCues(eventId: number): Promise<CueSummary[] | null> {
  try {
    const cues = await getJSON<unknown>(`/api/events/${eventId}/cues`);
    // The contract answers a list; tolerate a page object too.
    if (Array.isArray(cues)) return cues as CueSummary[];
    const items = (cues as { items?: unknown } | null)?.items;
    return Array.isArray(items) ? (items as CueSummary[]) : [];
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return null;
    throw error;
  }
}

type CueSheet = { entries(entries: readonly JournalEntry[]): void; reload(): void };

/** The read-only sheet: read at load and after a reset, again after any cue.* or draft.* entry. */
export function mountCueSheet(mount: CueSheetMount): CueSheet {
  let pending: ReturnType<typeof setTimeout> | null = null;
  let gone = false;
  const reload = (): void => {
    if (gone) return;
    loadCues(mount.eventId).then(
      (cues) => {
        gone = cues === null;
        renderCues(mount.element, cues);
      },
      () => {
        // A failed read leaves the last sheet in place; the next entry reads it again.
      },
    );
  };
  return {
    reload,
    entries(entries) {
      if (!entries.some((entry) => /^(cue|draft)\./u.test(entry.type))) return;
      // Several entries in a burst are one read.
      if (pending === null) {
        pending = setTimeout(() => {
          pending = null;
          reload();
        }, 200);
      }
    },
  };
}
