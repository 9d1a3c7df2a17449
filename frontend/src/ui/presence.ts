// Who is on the desk for this event, and what each one has open.

import { el } from "../lib/dom";
import type { PresenceUser } from "../stream/protocol";
import { hueOf } from "./format";

/** "feed" → "the feed", "mention:42" → "mention 42". */
export function describeViewing(viewing: string): string {
  if (viewing === "feed") return "the feed";
  const mention = /^mention:(\d+)$/u.exec(viewing);
  return mention ? `mention ${mention[1]}` : viewing;
}

export function presenceSummary(user: PresenceUser): string {
  const role = user.role ? ` (${user.role})` : "";
  const consoles = user.connections === 1 ? "1 console" : `${user.connections} consoles`;
  const viewing = user.viewing.length
    ? `viewing ${user.viewing.map(describeViewing).join(", ")}`
    : "viewing nothing yet";
  const typing = user.typing.length
    ? ` · typing a reply to ${user.typing.map(describeViewing).join(", ")}`
    : "";
  return `${user.display_name}${role} · ${consoles} · ${viewing}${typing}`;
}

/** Mention id → the names of the others who have it open (or, with "typing", who type). */
export function viewersByMention(
  users: readonly PresenceUser[],
  me: string,
  what: "viewing" | "typing" = "viewing",
): Map<number, string[]> {
  const viewers = new Map<number, string[]>();
  for (const user of users) {
    if (user.username === me) continue;
    for (const viewing of user[what]) {
      const match = /^mention:(\d+)$/u.exec(viewing);
      if (!match) continue;
      const id = Number(match[1]);
      viewers.set(id, [...(viewers.get(id) ?? []), user.display_name]);
    }
  }
  return viewers;
}

export function renderPresence(
  count: HTMLElement,
  list: HTMLElement,
  users: readonly PresenceUser[],
  me: string,
): void {
  count.textContent = `${users.length} online`;
  list.replaceChildren(
    ...users.map((user) => {
      const summary = presenceSummary(user);
      const item = el("li", user.username === me ? "person person-me" : "person");
      item.dataset.username = user.username;
      item.title = summary;
      item.tabIndex = 0;
      item.setAttribute("aria-label", summary);
      const badge = el("span", "person-badge", user.display_name.charAt(0).toUpperCase());
      badge.style.setProperty("--hue", String(hueOf(user.username)));
      badge.setAttribute("aria-hidden", "true");
      item.append(badge, el("span", "person-name", user.display_name));
      if (user.connections > 1) item.append(el("span", "person-count", `×${user.connections}`));
      return item;
    }),
  );
}
