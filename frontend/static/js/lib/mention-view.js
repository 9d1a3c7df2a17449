// One mention as DOM nodes. Mention text comes from strangers: it only ever reaches the
// page through textContent and attribute setters, never as markup.

import { formatClock } from "./time.js";

const NETWORK_LABELS = { x: "X", mastodon: "Mastodon", bluesky: "Bluesky" };

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
const exact = new Intl.NumberFormat("en");

// URLs, #hashtags and @handles (Mastodon's @user@instance, Bluesky's @user.bsky.social).
// The lookbehinds keep "a#b" and "ana@example.org" as plain text.
const URL_PATTERN = String.raw`(?<url>https?:\/\/[^\s<>"']+)`;
const TAG_PATTERN = String.raw`(?<![\p{L}\p{N}_&/])(?<tag>#[\p{L}\p{N}_]+)`;
const DOMAIN = String.raw`[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+`;
const NAME = String.raw`[\p{L}\p{N}_]+(?:[.-][\p{L}\p{N}_]+)*`;
const HANDLE_PATTERN = String.raw`(?<![\p{L}\p{N}_/])(?<handle>@${NAME}(?:@${DOMAIN})?)`;
const TOKENS = new RegExp(`${URL_PATTERN}|${TAG_PATTERN}|${HANDLE_PATTERN}`, "gu");
const TRAILING_PUNCTUATION = /[.,;:!?)\]'"]+$/;
const MAX_LINK_LABEL = 40;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function link(href, label, className) {
  const anchor = el("a", className, label);
  anchor.href = href;
  anchor.target = "_blank";
  anchor.rel = "noopener noreferrer nofollow";
  return anchor;
}

function httpUrl(value) {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
}

/** @param {Set<string>} tracked the event's hashtags, lower-cased, without '#' */
export function highlightText(text, tracked) {
  const fragment = document.createDocumentFragment();
  let cursor = 0;
  for (const match of text.matchAll(TOKENS)) {
    let token = match[0];
    let tail = "";
    if (match.groups.url) {
      tail = (token.match(TRAILING_PUNCTUATION) || [""])[0];
      token = token.slice(0, token.length - tail.length);
    }
    fragment.append(text.slice(cursor, match.index));
    cursor = match.index + match[0].length;
    const url = match.groups.url ? httpUrl(token) : null;
    if (url) {
      const label = token.replace(/^https?:\/\/(www\.)?/, "");
      const short = label.length > MAX_LINK_LABEL ? `${label.slice(0, MAX_LINK_LABEL)}…` : label;
      fragment.append(link(url.href, short, "m-link"));
    } else if (match.groups.tag) {
      const known = tracked.has(token.slice(1).toLowerCase());
      fragment.append(el("span", known ? "m-tag m-tag-tracked" : "m-tag", token));
    } else if (match.groups.handle) {
      fragment.append(el("span", "m-at", token));
    } else {
      fragment.append(token);
    }
    fragment.append(tail);
  }
  fragment.append(text.slice(cursor));
  return fragment;
}

function avatar(author) {
  const url = author.avatar_url && httpUrl(author.avatar_url);
  const initial = (author.name || author.handle || "?").trim().charAt(0).toUpperCase();
  const fallback = el("span", "avatar avatar-none", initial);
  fallback.setAttribute("aria-hidden", "true");
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

export function renderMention(mention, tracked) {
  const author = mention.author || {};
  const handle = String(author.handle || "");
  const article = el("article", "mention");
  article.dataset.network = mention.network;
  article.tabIndex = 0;
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
  const count = el("span", "m-followers", compact.format(followers));
  count.title = `${exact.format(followers)} followers`;
  count.setAttribute("aria-label", `${exact.format(followers)} followers`);
  head.append(count);
  const network = NETWORK_LABELS[mention.network] || mention.network;
  head.append(el("span", `net net-${mention.network}`, network));

  const created = new Date(mention.created_at);
  const time = el("time", "m-time", Number.isNaN(created.getTime()) ? "" : formatClock(created));
  time.dateTime = mention.created_at;
  time.title = mention.created_at;
  const original = mention.url && httpUrl(mention.url);
  if (original) {
    const permalink = link(original.href, "", "m-time-link");
    permalink.append(time);
    head.append(permalink);
  } else {
    head.append(time);
  }

  const body = el("div", "m-body");
  const text = el("p", "m-text");
  text.append(highlightText(String(mention.text || ""), tracked));
  body.append(head, text);
  article.append(avatar(author), body);
  return article;
}
