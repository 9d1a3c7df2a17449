// What the operator asked to see. One predicate, built once per change of the filters, is
// applied both to the list on screen and to every mention as it arrives.

import type { Mention } from "./types";

export interface Filters {
  /** Networks switched off; a network nobody switched off (even a new one) shows. */
  hiddenNetworks: ReadonlySet<string>;
  /** Words that must all appear in the text, the handle or the name. */
  query: string;
  verifiedOnly: boolean;
  minFollowers: number;
  /** A primary language subtag ("en", "pt"), or "" for any. */
  lang: string;
}

export const NO_FILTERS: Filters = {
  hiddenNetworks: new Set(),
  query: "",
  verifiedOnly: false,
  minFollowers: 0,
  lang: "",
};

export function isFiltering(filters: Filters): boolean {
  return (
    filters.hiddenNetworks.size > 0 ||
    filters.query.trim() !== "" ||
    filters.verifiedOnly ||
    filters.minFollowers > 0 ||
    filters.lang !== ""
  );
}

/** Case- and accent-blind text, so that "sao paulo" finds "São Paulo". */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}+/gu, "").toLocaleLowerCase("en");
}

/** "pt-BR" → "pt"; null for a mention whose language is unknown. */
export function primaryLanguage(lang: string | null | undefined): string | null {
  const primary = (lang ?? "").trim().toLowerCase().split(/[-_]/)[0];
  return primary ? primary : null;
}

const haystacks = new WeakMap<Mention, string>();

function haystack(mention: Mention): string {
  let text = haystacks.get(mention);
  if (text === undefined) {
    text = fold(`${mention.text}\n@${mention.author.handle}\n${mention.author.name}`);
    haystacks.set(mention, text);
  }
  return text;
}

export function compileFilter(filters: Filters): (mention: Mention) => boolean {
  const terms = fold(filters.query).split(/\s+/).filter(Boolean);
  const { hiddenNetworks, verifiedOnly, minFollowers, lang } = filters;
  return (mention) => {
    if (hiddenNetworks.has(mention.network)) return false;
    if (verifiedOnly && !mention.author.verified) return false;
    if ((mention.author.followers || 0) < minFollowers) return false;
    if (lang && primaryLanguage(mention.lang) !== lang) return false;
    if (terms.length) {
      const text = haystack(mention);
      for (const term of terms) if (!text.includes(term)) return false;
    }
    return true;
  };
}
