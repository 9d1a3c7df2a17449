// A flood group on its row: "×12 · @ana, @bo, @cy and 9 more", a button that opens the
// list of every member (author, time, text). The row itself is the group's first mention,
// which triage acts on (docs/floods.md).

import { el } from "../lib/dom";
import { formatClock } from "../lib/time";
import type { FeedRow } from "../feed/groups";
import { groupOf } from "../feed/groups";

// Authors named on the collapsed row; the rest are counted.
const NAMED_AUTHORS = 3;
// Members listed when the row is open: the newest, then how many more.
const LISTED_MEMBERS = 50;

const at = (handle: string): string => (handle.startsWith("@") ? handle : `@${handle}`);

export function floodSummary(row: FeedRow): string {
  const named = row.authors.slice(0, NAMED_AUTHORS).map(at).join(", ");
  const more = row.authors.length - NAMED_AUTHORS;
  return `×${row.members.length} · ${named}${more > 0 ? ` and ${more} more` : ""}`;
}

function memberList(row: FeedRow): HTMLElement {
  const list = el("ol", "m-flood-list");
  for (const member of row.members.slice(0, LISTED_MEMBERS)) {
    const item = el("li", "m-flood-member");
    const created = new Date(member.created_at);
    const time = el("time", "m-flood-time", Number.isNaN(created.getTime()) ? "" : formatClock(created));
    time.dateTime = member.created_at;
    item.append(el("span", "m-flood-author", at(member.author.handle)), time);
    item.append(el("span", "m-flood-text", member.text || "(repost)"));
    list.append(item);
  }
  const rest = row.members.length - LISTED_MEMBERS;
  if (rest > 0) list.append(el("li", "m-flood-rest", `and ${rest} more`));
  return list;
}

/** Show (or take off) the row's group: its count, a few authors, and the list if open. */
export function showFlood(article: HTMLElement, row: FeedRow | undefined, open: boolean): void {
  const block = article.querySelector<HTMLElement>(".m-flood");
  if (!row || row.members.length < 2) {
    block?.remove();
    delete article.dataset.flood;
    return;
  }
  const drawn = `${row.members.length}:${row.members[0]?.id}:${open}`;
  if (block && block.dataset.drawn === drawn) return;
  const key = groupOf(row.mention);
  const fresh = el("div", "m-flood");
  fresh.dataset.drawn = drawn;
  const toggle = el("button", "m-flood-toggle", floodSummary(row));
  toggle.type = "button";
  toggle.dataset.group = String(key);
  toggle.setAttribute("aria-expanded", String(open));
  toggle.title = open ? "Hide the group's mentions (e)" : "Show every mention of the group (e)";
  fresh.append(toggle);
  if (open) fresh.append(memberList(row));
  article.dataset.flood = String(row.members.length);
  if (block) block.replaceWith(fresh);
  else article.querySelector(".m-body")?.append(fresh);
}
