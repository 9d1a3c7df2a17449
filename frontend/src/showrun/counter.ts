// Each network's live counter under a text, by the composer's own measure
// (compose/length.ts, Mastodon as the event's server counts), loaded when first needed as
// the composer loads it: twitter-text stays out of the page's first download.

import type { Network } from "../compose/length";
import { pageMastodonCounting } from "../compose/mastodon-server";

let lengths: Promise<typeof import("../compose/length")> | null = null;

/** Show what is left of `network`'s limit for `text` in `counter`; "not posted" when empty. */
export function showCount(counter: HTMLElement, network: Network, text: string): void {
  if (!text.trim()) {
    counter.textContent = "not posted";
    counter.classList.remove("over");
    return;
  }
  lengths ??= import("../compose/length");
  void lengths.then(({ checkLength }) => {
    const mastodon = pageMastodonCounting();
    const check = checkLength(network, text, mastodon.maxCharacters, mastodon.urlLength);
    counter.textContent = String(check.remaining);
    counter.classList.toggle("over", !check.valid);
  });
}
