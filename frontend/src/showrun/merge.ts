// The three-way merge of the conflict view: base (the version the editor started from),
// mine (what I typed) and theirs (what was saved meanwhile). Texts are split into words and
// the spaces between them; each side's changes against the base are found by the longest
// common subsequence, and where only one side changed a stretch its change is taken. Where
// both changed the same stretch differently, both are kept between markers for a person
// to settle: a post is short, so a word-level merge they can read beats a clever one.

import type { Network } from "../compose/length";
import type { DraftContent, DraftPost } from "./types";

export interface TextMerge {
  text: string;
  /** Stretches both sides changed differently (each left between markers in `text`). */
  conflicts: number;
}

const TOKENS = /\s+|[^\s]+/gu;

function tokens(text: string): string[] {
  return text.match(TOKENS) ?? [];
}

/** For each token of `base`, its index in `other` on one longest common subsequence, or -1. */
function matchTokens(base: readonly string[], other: readonly string[]): number[] {
  const n = base.length;
  const m = other.length;
  // lcs(i, j): the LCS of base[i..] and other[j..]; posts are a few hundred tokens.
  const table = new Int32Array((n + 1) * (m + 1));
  const lcs = (i: number, j: number): number => table[i * (m + 1) + j] ?? 0;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * (m + 1) + j] =
        base[i] === other[j] ? lcs(i + 1, j + 1) + 1 : Math.max(lcs(i + 1, j), lcs(i, j + 1));
    }
  }
  const matched = new Array<number>(n).fill(-1);
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (base[i] === other[j]) {
      matched[i] = j;
      i++;
      j++;
    } else if (lcs(i + 1, j) >= lcs(i, j + 1)) i++;
    else j++;
  }
  return matched;
}

const same = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((token, index) => token === b[index]);

export const MINE_MARK = "<<<<<<< mine\n";
export const SPLIT_MARK = "\n=======\n";
export const THEIRS_MARK = "\n>>>>>>> theirs";

/** Merge `mine` and `theirs`, both edited from `base`. */
export function mergeText(base: string, mine: string, theirs: string): TextMerge {
  if (mine === theirs || theirs === base) return { text: mine, conflicts: 0 };
  if (mine === base) return { text: theirs, conflicts: 0 };
  const o = tokens(base);
  const a = tokens(mine);
  const b = tokens(theirs);
  const inA = matchTokens(o, a);
  const inB = matchTokens(o, b);
  const out: string[] = [];
  let conflicts = 0;
  // The previous stable token: one kept by both sides, at its index in o, a and b.
  let [po, pa, pb] = [-1, -1, -1];
  const chunk = (no: number, na: number, nb: number): void => {
    const co = o.slice(po + 1, no);
    const ca = a.slice(pa + 1, na);
    const cb = b.slice(pb + 1, nb);
    if (same(ca, co)) out.push(...cb);
    else if (same(cb, co) || same(ca, cb)) out.push(...ca);
    else {
      conflicts++;
      out.push(MINE_MARK, ...ca, SPLIT_MARK, ...cb, THEIRS_MARK);
    }
  };
  o.forEach((token, i) => {
    const ja = inA[i] ?? -1;
    const jb = inB[i] ?? -1;
    if (ja < 0 || jb < 0) return;
    chunk(i, ja, jb);
    out.push(token);
    [po, pa, pb] = [i, ja, jb];
  });
  chunk(o.length, a.length, b.length);
  return { text: out.join(""), conflicts };
}

/** A whole field (title, note) merged as one value: a change on one side wins. */
export function mergeValue<T>(base: T, mine: T, theirs: T, equal = Object.is): { value: T; conflict: boolean } {
  if (equal(mine, base) || equal(mine, theirs)) return { value: theirs, conflict: false };
  if (equal(theirs, base)) return { value: mine, conflict: false };
  return { value: mine, conflict: true };
}

export interface ContentMerge {
  content: DraftContent;
  conflicts: number;
}

const NETWORKS: Network[] = ["x", "mastodon", "bluesky"];

/** Merge a thread post by post (by position) and network by network. */
export function mergeContent(base: DraftContent, mine: DraftContent, theirs: DraftContent): ContentMerge {
  const count = Math.max(mine.posts.length, theirs.posts.length);
  const posts: DraftPost[] = [];
  let conflicts = 0;
  const empty: DraftPost = { texts: {}, attachment_ids: [] };
  for (let index = 0; index < count; index++) {
    const o = base.posts[index] ?? empty;
    const a = mine.posts[index] ?? empty;
    const b = theirs.posts[index] ?? empty;
    const texts: DraftPost["texts"] = {};
    for (const network of NETWORKS) {
      const merged = mergeText(o.texts[network] ?? "", a.texts[network] ?? "", b.texts[network] ?? "");
      conflicts += merged.conflicts;
      if (merged.text || a.texts[network] !== undefined || b.texts[network] !== undefined) {
        texts[network] = merged.text;
      }
    }
    const ids = mergeValue(o.attachment_ids, a.attachment_ids, b.attachment_ids, (x, y) => same(x.map(String), y.map(String)));
    if (ids.conflict) conflicts++;
    posts.push({ texts, attachment_ids: ids.value });
  }
  // A post both sides left empty (one removed it, the other never had it) is dropped.
  const kept = posts.filter((post) => Object.values(post.texts).some(Boolean) || post.attachment_ids.length);
  return { content: { posts: kept.length ? kept : posts.slice(0, 1) }, conflicts };
}
