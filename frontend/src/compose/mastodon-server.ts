// How the event's Mastodon server counts a status, as the event page carries it: the
// server reads it from the instance of the event's Mastodon account and writes it on the
// desk (data-mastodon-max-characters, data-mastodon-url-length), so every composer counts
// as the server will check. No twitter-text here: this loads with the page.

export interface MastodonCounting {
  /** configuration.statuses.max_characters; undefined: Mastodon's default. */
  maxCharacters: number | undefined;
  /** configuration.statuses.characters_reserved_per_url; undefined: Mastodon's default. */
  urlLength: number | undefined;
}

const whole = (value: string | undefined, least: number): number | undefined => {
  const number = value === undefined || value === "" ? Number.NaN : Number(value);
  return Number.isInteger(number) && number >= least ? number : undefined;
};

/** The counting a page's data attributes give; what is missing or unusable is left to the
 *  defaults. */
export function countingFrom(data: Readonly<Record<string, string | undefined>>): MastodonCounting {
  return {
    maxCharacters: whole(data.mastodonMaxCharacters, 1),
    urlLength: whole(data.mastodonUrlLength, 0),
  };
}

/** The counting of the event on this page (read at each call: it is a few attributes). */
export function pageMastodonCounting(): MastodonCounting {
  const desk = document.querySelector<HTMLElement>("[data-mastodon-max-characters]");
  return countingFrom(desk?.dataset ?? {});
}
