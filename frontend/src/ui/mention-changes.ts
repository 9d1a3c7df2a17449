// A row whose post the network deleted or edited says so: the mention stays (nothing is
// erased), marked "deleted" and dimmed, or showing its new text marked "edited".

import { el } from "../lib/dom";
import { formatClock } from "../lib/time";
import type { Mention } from "../feed/types";

const clockOf = (iso: string | null | undefined): string => {
  const date = iso ? new Date(iso) : null;
  return date && !Number.isNaN(date.getTime()) ? formatClock(date) : "";
};

export function showChanges(article: HTMLElement, mention: Mention): void {
  const deleted = Boolean(mention.deleted_at);
  const edited = Boolean(mention.edited_at);
  article.classList.toggle("is-deleted", deleted);
  article.classList.toggle("is-edited", edited);
  let badge = article.querySelector<HTMLElement>(".m-change");
  if (!deleted && !edited) {
    badge?.remove();
    return;
  }
  if (!badge) {
    badge = el("span", "m-change");
    article.querySelector(".m-head")?.append(badge);
  }
  badge.textContent = deleted ? "deleted" : "edited";
  badge.title = deleted
    ? `Deleted on the network at ${clockOf(mention.deleted_at)}; kept here as it was`
    : `Edited on the network at ${clockOf(mention.edited_at)}`;
  const text = article.querySelector<HTMLElement>(".m-text");
  if (edited && text && article.dataset.editedAt !== mention.edited_at) {
    article.dataset.editedAt = mention.edited_at ?? "";
    text.textContent = mention.text;
  }
}
