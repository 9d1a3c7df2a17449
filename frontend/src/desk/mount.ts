// The desk's columns put together: the team's claims (column 2), the show column with its
// clock and cue sheet (column 3), the clock in the header, and the keys 1, 2, 3 that reach
// each column. The feed (column 1) is the live feed's own; this only focuses it.

import { getJSON } from "../lib/api";
import { byId } from "../lib/dom";
import type { Mention, MentionPage } from "../feed/types";
import { readMention } from "../feed/types";
import { type Column, columnForKey } from "../keyboard/columns";
import { type OnAir, applyShowEntry, onAirFromEvent } from "../show/clock";
import type { JournalEntry, PresenceUser } from "../stream/protocol";
import { TeamClaims } from "../triage/team-claims";
import { mountShowRun } from "../showrun/sheet-view";
import { ShowClockView } from "./show-clock-view";
import { TeamClaimsView } from "./team-claims-view";

export interface DeskFeed {
  mention(id: number): Mention | undefined;
  select(id: number): boolean;
  focusFeed(): void;
}

export interface Desk {
  entries(entries: readonly JournalEntry[]): void;
  /** A first load or a reset: read what the journal's gap may have hidden again. */
  snapshot(): void;
  presence(users: readonly PresenceUser[]): void;
}

// The API's largest page: a desk with more claims than this has bigger problems.
const CLAIMS_PAGE = 1000;

const TYPING = "input, textarea, select, [contenteditable]";

function bindColumnKeys(focus: (column: Column) => void): void {
  document.addEventListener("keydown", (event) => {
    if (event.repeat || event.defaultPrevented) return;
    const target = event.target;
    // A digit typed into a field is a digit; the composer and boxes are fields.
    if (target instanceof Element && target.closest(TYPING)) return;
    const column = columnForKey(event);
    if (!column) return;
    event.preventDefault();
    focus(column);
  });
}

/** Something in the column to put the keyboard on: its first button, else the column. */
function focusColumn(id: string): void {
  const column = byId(id);
  const first = column.querySelector<HTMLElement>(
    "#claims-list button, #team-claims-list button, #cue-sheet button, #cue-sheet [tabindex]",
  );
  (first ?? column).focus({ preventScroll: false });
  column.scrollIntoView({ block: "nearest", inline: "nearest" });
}

export function mountDesk(eventId: number, me: string, role: string, feed: DeskFeed): Desk {
  const base = `/api/events/${eventId}`;
  const desk = document.querySelector<HTMLElement>(".desk");
  const clock = new ShowClockView([
    { wall: byId("wall-clock"), show: byId("show-offset") },
    { wall: byId("show-col-wall"), show: byId("show-col-offset"), idle: byId("show-col-idle") },
  ]);
  const team = new TeamClaims((id) => feed.mention(id));
  const teamView = new TeamClaimsView(
    {
      list: byId("team-claims-list"),
      count: byId("team-claims-count"),
      empty: byId("team-claims-empty"),
    },
    me,
    (id) => {
      if (!feed.select(id)) return;
      feed.focusFeed();
    },
  );
  const sheet = mountShowRun({ element: byId("cue-sheet"), eventId, role, me });
  // Entries that arrive while a read is out are applied again on its answer.
  const reading = new Set<JournalEntry[]>();

  // The page carries the show clock as the server had it: drawn before any request.
  const first = { on_air_at: desk?.dataset.onAirAt, off_air_at: desk?.dataset.offAirAt };
  clock.set(onAirFromEvent(first), Date.now());
  setInterval(() => {
    const now = Date.now();
    clock.tick(now);
    teamView.tick(now);
  }, 250);

  const applyAll = (entries: readonly JournalEntry[]): void => {
    let onAir: OnAir = clock.state;
    let changed = false;
    for (const entry of entries) {
      onAir = applyShowEntry(onAir, entry);
      changed = team.apply(entry) || changed;
    }
    if (onAir !== clock.state) clock.set(onAir, Date.now());
    if (changed) teamView.render(team.list(), Date.now());
  };

  const reread = async (): Promise<void> => {
    const since: JournalEntry[] = [];
    reading.add(since);
    try {
      const [event, page] = await Promise.all([
        getJSON<{ on_air_at?: unknown; off_air_at?: unknown }>(base),
        getJSON<MentionPage>(`${base}/mentions?state=claimed&limit=${CLAIMS_PAGE}`),
      ]);
      clock.set(onAirFromEvent(event), Date.now());
      team.reset(page.items.map(readMention).filter((item): item is Mention => item !== null));
      teamView.render(team.list(), Date.now());
      applyAll(since);
    } catch {
      // The feed says when the server is away; the next reset reads again.
    } finally {
      reading.delete(since);
    }
  };

  bindColumnKeys((column) => {
    if (column === "feed") feed.focusFeed();
    else focusColumn(column === "claims" ? "claims-column" : "show-column");
  });

  return {
    entries(entries) {
      for (const since of reading) since.push(...entries);
      applyAll(entries);
      sheet.entries(entries);
    },
    snapshot() {
      void reread();
      sheet.reload();
    },
    presence: (users) => sheet.presence(users),
  };
}
