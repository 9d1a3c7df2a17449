// Saved replies put into the composer: the server fills in the fan's handle and name
// (GET /api/mentions/{id}/saved-replies); here they are placed where the caret is.

export interface Insertion {
  value: string;
  /** Where the caret goes: just after what was inserted. */
  caret: number;
}

const SPACE = /\s/u;
// What a snippet must not run into on its right: a word, a handle, a hashtag. Punctuation
// ("Hi fan, see you" with "fan" replaced) stays attached.
const WORD_START = /[\p{L}\p{N}@#]/u;

/**
 * `snippet` in place of `value`'s selection [start, end), with a space on either side where
 * it would otherwise run into a word ("Hello" + "thanks" is "Hello thanks").
 */
export function insertSnippet(
  value: string,
  start: number,
  end: number,
  snippet: string,
): Insertion {
  const from = Math.max(0, Math.min(start, value.length));
  const to = Math.max(from, Math.min(end, value.length));
  const before = value.slice(0, from);
  const after = value.slice(to);
  const first = snippet[0] ?? " ";
  const last = snippet.at(-1) ?? " ";
  const lead = before && !SPACE.test(before.at(-1) ?? "") && !SPACE.test(first) ? " " : "";
  const trail = WORD_START.test(after[0] ?? "") && !SPACE.test(last) ? " " : "";
  return {
    value: before + lead + snippet + trail + after,
    caret: before.length + lead.length + snippet.length,
  };
}
