// A reply's length as each network measures it, and whether the network would take it.
//
// The server runs the same rules before posting (app/replies/length.py) and both are tested on
// one set of cases (tests/data/length_cases.json): the counter a person watches while typing
// and the server's check must never disagree. Keep the two files in step, wording included.
//
// - X: twitter-text v3's weighted length: NFC first, most Latin and common punctuation weigh
//   1, everything else 2, an emoji sequence 2 as a whole, a URL 23 (found by the official
//   twitter-text package); at most 280.
// - Mastodon: what its StatusLengthValidator counts: the text with each URL that has a
//   protocol replaced by 23 characters and each @user@domain by @user, counted in grapheme
//   clusters; 500 and 23 unless the server says otherwise (its instance's
//   configuration.statuses).
// - Bluesky: the app.bsky.feed.post lexicon: at most 300 grapheme clusters and 3,000 UTF-8
//   bytes, URLs counted as typed.
import twitterText from "twitter-text";

export type Network = "x" | "mastodon" | "bluesky";

export interface LengthCheck {
  network: Network;
  /** The network's own measure: X's weighted length, Mastodon's characters (grapheme
   *  clusters, URLs as 23, @user@domain as @user), Bluesky's graphemes. */
  length: number;
  limit: number;
  /** limit - length: negative when over. */
  remaining: number;
  /** Within the limit (and, for Bluesky, the byte limit), not blank and, for X, free of the
   *  characters it refuses. */
  valid: boolean;
  /** Why it is not valid, in words for the person writing; null when valid. */
  reason: string | null;
}

export const X_LIMIT = 280;
export const MASTODON_DEFAULT_LIMIT = 500;
export const BLUESKY_LIMIT = 300;
export const BLUESKY_MAX_BYTES = 3000;
// Both X (t.co) and Mastodon count every link as this many characters, whatever its length.
export const URL_LENGTH = 23;

// The wording is shared with length.py word for word: tests on both sides pin it.
export const EMPTY_REASON = "Empty reply";
const urlHint = (urlLength: number): string => ` (URLs count ${urlLength} each)`;
const URL_HINT = urlHint(URL_LENGTH);

/** Measure `text` as `network` would and say whether it may be posted there.
 *  `mastodonLimit` and `mastodonUrlLength` are the server's configuration.statuses
 *  max_characters and characters_reserved_per_url. */
export function checkLength(
  network: Network,
  text: string,
  mastodonLimit: number = MASTODON_DEFAULT_LIMIT,
  mastodonUrlLength: number = URL_LENGTH,
): LengthCheck {
  switch (network) {
    case "x":
      return checkX(text);
    case "mastodon":
      if (!Number.isInteger(mastodonLimit) || mastodonLimit < 1) {
        throw new RangeError(`mastodonLimit must be a whole number of at least 1, not ${mastodonLimit}`);
      }
      if (!Number.isInteger(mastodonUrlLength) || mastodonUrlLength < 0) {
        throw new RangeError(`mastodonUrlLength must be a whole number, not ${mastodonUrlLength}`);
      }
      return checkMastodon(text, mastodonLimit, mastodonUrlLength);
    case "bluesky":
      return checkBluesky(text);
    default: {
      // Reached only from untyped callers (a network name read from JSON).
      const unknown: never = network;
      throw new RangeError(`unknown network ${JSON.stringify(unknown)}: expected x, mastodon or bluesky`);
    }
  }
}

// --- X -------------------------------------------------------------------------------------

// twitter-text v3's configuration (config/v3.json): code points in these ranges weigh 1 and
// every other one 2 (its weights 100 and 200 over a scale of 100).
const X_LIGHT_RANGES: readonly (readonly [number, number])[] = [
  [0x0000, 0x10ff],
  [0x2000, 0x200d],
  [0x2010, 0x201f],
  [0x2032, 0x2037],
];
// An emoji sequence weighs 2 as a whole (v3's emojiParsingEnabled). twitter-text finds them
// with a list of known emoji, and its two implementations here disagree: this package's list
// (twemoji-parser 11) counts 🤏🏻 as two emoji and "©" as a letter, the Python port's (Emoji 12)
// counts 🤏🏻 as one and "©" as an emoji, and both count the newer ❤️‍🔥 as 5. X documents that
// every emoji counts 2 whatever it is made of, so both sides use this one rule instead. An
// emoji sequence is a grapheme cluster (UAX #29) of two or more code points that is a flag (two
// regional indicators), a keycap, or a pictograph followed by an emoji variation selector, a
// skin tone, a zero width joiner or a tag. Extended_Pictographic reserves the blocks future
// emoji will use, so the rule needs no list and no update. A lone character keeps its own
// weight: "©" 1, "☺" 2, as in both implementations.
const EMOJI_SEQUENCE =
  /^(?:[\u{1F1E6}-\u{1F1FF}]{2}|[#*0-9]\uFE0F?\u20E3|\p{Extended_Pictographic}[\uFE0F\u200D\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}][\s\S]*)$/u;
// twitter-text rejects these outright (its invalidCharsGroup): a stray byte-order mark pasted
// from a document is the one a person can actually run into.
const X_INVALID_CHARACTER = /[\uFFFE\uFEFF\uFFFF]/;

function checkX(text: string): LengthCheck {
  const length = xWeightedLength(text);
  const invalid = X_INVALID_CHARACTER.exec(text);
  let reason: string | null = null;
  if (isBlank(text)) {
    reason = EMPTY_REASON;
  } else if (invalid !== null) {
    reason = `X does not accept the character U+${codePointHex(invalid[0])}`;
  } else if (length > X_LIMIT) {
    reason = overLimit(length - X_LIMIT, "X", X_LIMIT, URL_HINT);
  }
  return result("x", length, X_LIMIT, reason);
}

/** twitter-text v3's weighted length: NFC, URLs 23, emoji sequences 2, other code points by
 *  their range. */
function xWeightedLength(text: string): number {
  // A textarea's value has "\n" line breaks, but pasted or programmatic text may carry
  // "\r\n": count every line break as one character on both sides.
  const normalized = text.replace(/\r\n?/g, "\n").normalize("NFC");
  let length = 0;
  let position = 0;
  // URLs are found by twitter-text itself (with or without a protocol, its TLD lists, the
  // punycode length check), which the Python port on the server does identically.
  for (const { indices } of twitterText.extractUrlsWithIndices(normalized)) {
    const [start, end] = indices;
    length += xPlainLength(normalized.slice(position, start)) + URL_LENGTH;
    position = end;
  }
  return length + xPlainLength(normalized.slice(position));
}

function xPlainLength(text: string): number {
  let length = 0;
  for (const { segment } of graphemes().segment(text)) {
    if (EMOJI_SEQUENCE.test(segment)) {
      length += 2;
    } else {
      for (const character of segment) length += xWeight(character.codePointAt(0) ?? 0);
    }
  }
  return length;
}

function xWeight(codePoint: number): number {
  return X_LIGHT_RANGES.some(([low, high]) => low <= codePoint && codePoint <= high) ? 1 : 2;
}

function codePointHex(character: string): string {
  return (character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
}

// --- Mastodon ------------------------------------------------------------------------------

// Ruby's [[:word:]], which Mastodon's Account::MENTION_RE uses for the domain part.
const WORD = String.raw`\p{L}\p{M}\p{Nd}\p{Pc}`;
// Account::MENTION_RE: not after "=", "/" or a word character (so not inside an e-mail
// address or a URL path); a username of ASCII letters, digits and "_" with single "." or "-"
// runs inside; optionally "@domain".
const MENTION = new RegExp(
  String.raw`(?<![=/${WORD}])@([A-Za-z0-9_]+(?:[.\-]+[A-Za-z0-9_]+)*(?:@[${WORD}]+(?:[.\-]+[${WORD}]+)*)?)`,
  "gu",
);
// twitter-text's endMentionMatch, which Mastodon's extractor also applies: a mention directly
// followed by another at sign, a Latin accented letter or "://" is not a mention at all.
const NOT_A_MENTION_AFTER =
  /^(?:[@\uFF20\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u00FF\u0100-\u024F\u0253\u0254\u0256\u0257\u0259\u025B\u0263\u0268\u026F\u0272\u0289\u028B\u02BB\u0300-\u036F\u1E00-\u1EFF]|:\/\/)/u;

function checkMastodon(text: string, limit: number, urlLength: number): LengthCheck {
  const length = graphemeCount(mastodonCountableText(text, urlLength));
  let reason: string | null = null;
  if (isBlank(text)) {
    reason = EMPTY_REASON;
  } else if (length > limit) {
    reason = overLimit(length - limit, "Mastodon", limit, urlHint(urlLength));
  }
  return result("mastodon", length, limit, reason);
}

interface Entity {
  start: number;
  end: number;
  replacement: string;
}

/** The text as StatusLengthValidator#countable_text rewrites it before counting. */
function mastodonCountableText(text: string, urlLength: number): string {
  // Mastodon extracts URLs with twitter-text, protocol required
  // (extract_url_without_protocol: false): "example.com" alone counts as typed.
  const entities: Entity[] = twitterText
    .extractUrlsWithIndices(text, { extractUrlsWithoutProtocol: false })
    .map(({ indices: [start, end] }) => ({ start, end, replacement: "x".repeat(urlLength) }));
  for (const mention of text.matchAll(MENTION)) {
    const start = mention.index;
    const end = start + mention[0].length;
    if (NOT_A_MENTION_AFTER.test(text.slice(end, end + 3))) continue;
    const username = (mention[1] ?? "").split("@", 1)[0] ?? "";
    entities.push({ start, end, replacement: `@${username}` });
  }
  entities.sort((a, b) => a.start - b.start);

  let countable = "";
  let position = 0;
  for (const { start, end, replacement } of entities) {
    // twitter-text's remove_overlapping_entities: the entity that starts first wins.
    if (start < position) continue;
    countable += text.slice(position, start) + replacement;
    position = end;
  }
  return countable + text.slice(position);
}

// --- Bluesky -------------------------------------------------------------------------------

const utf8 = new TextEncoder();

function checkBluesky(text: string): LengthCheck {
  const length = graphemeCount(text);
  // A lone surrogate becomes U+FFFD's 3 bytes here; the server counts it as 3 bytes too.
  const bytesOver = utf8.encode(text).length - BLUESKY_MAX_BYTES;
  let reason: string | null = null;
  if (isBlank(text)) {
    reason = EMPTY_REASON;
  } else if (length > BLUESKY_LIMIT && bytesOver > 0) {
    reason =
      `${overLimit(length - BLUESKY_LIMIT, "Bluesky", BLUESKY_LIMIT, "")}, ` +
      `and ${count(bytesOver, "byte")} over its ${formatNumber(BLUESKY_MAX_BYTES)}-byte limit`;
  } else if (length > BLUESKY_LIMIT) {
    reason = overLimit(length - BLUESKY_LIMIT, "Bluesky", BLUESKY_LIMIT, "");
  } else if (bytesOver > 0) {
    reason = `Over Bluesky's ${formatNumber(BLUESKY_MAX_BYTES)}-byte limit by ${count(bytesOver, "byte")}`;
  }
  return result("bluesky", length, BLUESKY_LIMIT, reason);
}

// --- Shared --------------------------------------------------------------------------------

// Extended grapheme clusters (UAX #29), as Ruby's each_grapheme_cluster, Bluesky's lexicon
// validator and the server's `regex` \X count them. Made on first use: the locale does not
// change grapheme boundaries.
let segmenter: Intl.Segmenter | undefined;

function graphemes(): Intl.Segmenter {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  return segmenter;
}

function graphemeCount(text: string): number {
  let n = 0;
  for (const _ of graphemes().segment(text)) n += 1;
  return n;
}

// Unicode's White_Space property, spelled the same way in length.py: String.prototype.trim()
// and Python's str.strip() disagree on a few characters (U+0085, U+FEFF, U+001C to U+001F).
const BLANK = /^\p{White_Space}*$/u;

function isBlank(text: string): boolean {
  return BLANK.test(text);
}

/** 3000 → "3,000", the same digits Python's f"{n:,}" writes, whatever the browser's locale. */
function formatNumber(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function count(n: number, noun: string): string {
  return `${formatNumber(n)} ${noun}${n === 1 ? "" : "s"}`;
}

function overLimit(over: number, networkName: string, limit: number, hint: string): string {
  return `${count(over, "character")} over ${networkName}'s limit of ${formatNumber(limit)}${hint}`;
}

function result(network: Network, length: number, limit: number, reason: string | null): LengthCheck {
  return { network, length, limit, remaining: limit - length, valid: reason === null, reason };
}
