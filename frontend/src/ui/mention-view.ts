// One mention as DOM nodes: avatar, who, reach, network, time and the highlighted text, and
// what triage says of it (ui/triage-row.ts).

import { el } from "../lib/dom";
import { formatClock } from "../lib/time";
import type { Author, Mention } from "../feed/types";
import { compactNumber, exactNumber, hueOf } from "./format";
import { highlightText, httpUrl } from "./highlight";
import { NOBODY, type RowViewer, showTriage } from "./triage-row";

const NETWORK_LABELS: Record<string, string> = { x: "X", mastodon: "Mastodon", bluesky: "Bluesky" };

export const networkLabel = (network: string): string => NETWORK_LABELS[network] ?? network;

function avatar(author: Author): HTMLElement {
  const url = author.avatar_url ? httpUrl(author.avatar_url) : null;
  const initial = (author.name || author.handle || "?").trim().charAt(0).toUpperCase() || "?";
  const fallback = el("span", "avatar avatar-none", initial);
  fallback.setAttribute("aria-hidden", "true");
  fallback.style.setProperty("--hue", String(hueOf(author.handle)));
  // Only https: the page's CSP refuses other images, and a broken icon helps no one.
  if (!url || url.protocol !== "https:") return fallback;
  const image = el("img", "avatar");
  image.alt = "";
  image.loading = "lazy";
  image.decoding = "async";
  image.referrerPolicy = "no-referrer";
  image.width = 36;
  image.height = 36;
  image.addEventListener("error", () => image.replaceWith(fallback), { once: true });
  image.src = url.href;
  return image;
}

/** "P 42": the score that orders the queue and "claim next" (app/mentions/priority.py). */
export function priorityBadge(priority: number): HTMLElement {
  const badge = el("span", "m-priority", `P ${priority}`);
  badge.title =
    `Priority ${priority}: reach, verified, a question, a negative tone and the event's ` +
    "VIP list add up; the queue and claim next take the highest first";
  badge.setAttribute("aria-label", `priority ${priority}`);
  return badge;
}

export function renderMention(
  mention: Mention,
  tracked: ReadonlySet<string>,
  viewer: RowViewer = NOBODY,
): HTMLElement {
  const author = mention.author;
  const handle = author.handle;
  const article = el("article", "mention");
  article.tabIndex = -1;
  article.dataset.network = mention.network;
  article.dataset.seq = String(mention.seq);
  article.dataset.id = String(mention.id);

  const head = el("header", "m-head");
  head.append(el("span", "m-name", author.name || handle));
  if (author.verified) {
    const mark = el("span", "m-verified", "✓");
    mark.title = "Verified";
    mark.setAttribute("role", "img");
    mark.setAttribute("aria-label", "verified");
    head.append(mark);
  }
  head.append(el("span", "m-handle", handle.startsWith("@") ? handle : `@${handle}`));
  const followers = Number(author.followers) || 0;
  const count = el("span", "m-followers", compactNumber(followers));
  count.title = `${exactNumber(followers)} followers`;
  count.setAttribute("aria-label", `${exactNumber(followers)} followers`);
  head.append(count);
  head.append(el("span", `net net-${mention.network}`, networkLabel(mention.network)));
  head.append(priorityBadge(mention.priority));
  head.append(el("span", "m-claim"), el("span", "m-viewers"), el("span", "m-typing"));

  const created = new Date(mention.created_at);
  const time = el("time", "m-time", Number.isNaN(created.getTime()) ? "" : formatClock(created));
  time.dateTime = mention.created_at;
  time.title = mention.created_at;
  const original = mention.url ? httpUrl(mention.url) : null;
  if (original) {
    const permalink = el("a", "m-time-link");
    permalink.href = original.href;
    permalink.target = "_blank";
    permalink.rel = "noopener noreferrer nofollow";
    permalink.append(time);
    head.append(permalink);
  } else {
    head.append(time);
  }

  const text = el("p", "m-text");
  text.append(highlightText(mention.text, tracked));
  const body = el("div", "m-body");
  body.append(head, text);
  article.append(avatar(author), body);
  showTriage(article, mention, viewer);
  return article;
}

/** Who else has this mention open, on its row: two operators should not answer one fan. */
export function showViewers(article: HTMLElement, names: readonly string[]): void {
  const slot = article.querySelector<HTMLElement>(".m-viewers");
  if (!slot) return;
  slot.textContent = names.length ? `👁 ${names.join(", ")}` : "";
  slot.title = names.length ? `Open on ${names.join(", ")}'s console` : "";
}
