// Mention text with its links, #hashtags and @handles picked out. The text comes from
// strangers: it reaches the page only through text nodes and attribute setters.

export type Token =
  | { kind: "text"; text: string }
  | { kind: "link"; text: string; href: string }
  | { kind: "tag"; text: string; tracked: boolean }
  | { kind: "handle"; text: string };

// URLs, #hashtags and @handles (Mastodon's @user@instance, Bluesky's @user.bsky.social).
// The lookbehinds keep "a#b" and "ana@example.org" as plain text.
const URL_PATTERN = String.raw`(?<url>https?:\/\/[^\s<>"']+)`;
const TAG_PATTERN = String.raw`(?<![\p{L}\p{N}_&/])(?<tag>#[\p{L}\p{N}_]+)`;
const DOMAIN = String.raw`[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+`;
const NAME = String.raw`[\p{L}\p{N}_]+(?:[.-][\p{L}\p{N}_]+)*`;
const HANDLE_PATTERN = String.raw`(?<![\p{L}\p{N}_/])(?<handle>@${NAME}(?:@${DOMAIN})?)`;
const TOKENS = new RegExp(`${URL_PATTERN}|${TAG_PATTERN}|${HANDLE_PATTERN}`, "gu");
const TRAILING_PUNCTUATION = /[.,;:!?)\]'"]+$/u;
const MAX_LINK_LABEL = 40;

/** Only http(s): a `javascript:` link in a stranger's post must never become clickable. */
export function httpUrl(value: string): URL | null {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
}

/** Links shown as the networks show them: no scheme, no www, long ones cut short. */
function linkLabel(raw: string): string {
  const label = raw.replace(/^https?:\/\/(www\.)?/u, "");
  return label.length > MAX_LINK_LABEL ? `${label.slice(0, MAX_LINK_LABEL)}…` : label;
}

/** @param tracked the event's hashtags, lower-cased, without '#' */
export function tokenize(text: string, tracked: ReadonlySet<string>): Token[] {
  const tokens: Token[] = [];
  const pushText = (value: string): void => {
    if (!value) return;
    const last = tokens.at(-1);
    if (last?.kind === "text") last.text += value;
    else tokens.push({ kind: "text", text: value });
  };
  let cursor = 0;
  for (const match of text.matchAll(TOKENS)) {
    const groups = match.groups ?? {};
    const start = match.index;
    pushText(text.slice(cursor, start));
    cursor = start + match[0].length;
    if (groups.url) {
      const tail = groups.url.match(TRAILING_PUNCTUATION)?.[0] ?? "";
      const raw = groups.url.slice(0, groups.url.length - tail.length);
      const url = httpUrl(raw);
      if (url) tokens.push({ kind: "link", text: linkLabel(raw), href: url.href });
      else pushText(raw);
      pushText(tail);
    } else if (groups.tag) {
      const tag = groups.tag;
      tokens.push({ kind: "tag", text: tag, tracked: tracked.has(tag.slice(1).toLowerCase()) });
    } else if (groups.handle) {
      tokens.push({ kind: "handle", text: groups.handle });
    } else {
      pushText(match[0]);
    }
  }
  pushText(text.slice(cursor));
  return tokens;
}

function span(className: string, text: string): HTMLSpanElement {
  const node = document.createElement("span");
  node.className = className;
  node.textContent = text;
  return node;
}

export function highlightText(text: string, tracked: ReadonlySet<string>): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const token of tokenize(text, tracked)) {
    switch (token.kind) {
      case "text":
        fragment.append(token.text);
        break;
      case "link": {
        const anchor = document.createElement("a");
        anchor.className = "m-link";
        anchor.href = token.href;
        anchor.target = "_blank";
        anchor.rel = "noopener noreferrer nofollow";
        anchor.textContent = token.text;
        fragment.append(anchor);
        break;
      }
      case "tag":
        fragment.append(span(token.tracked ? "m-tag m-tag-tracked" : "m-tag", token.text));
        break;
      case "handle":
        fragment.append(span("m-at", token.text));
        break;
    }
  }
  return fragment;
}
