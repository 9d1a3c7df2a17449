import { afterEach, describe, expect, it } from "vitest";
import { countingFrom, pageMastodonCounting } from "./mastodon-server";

afterEach(() => {
  document.body.innerHTML = "";
});

describe("the Mastodon server's counting on the page", () => {
  it("is read from the desk's data attributes", () => {
    document.body.innerHTML = `<div class="desk" data-mastodon-max-characters="1000" data-mastodon-url-length="30"></div>`;
    expect(pageMastodonCounting()).toEqual({ maxCharacters: 1000, urlLength: 30 });
  });

  it("leaves to Mastodon's defaults what the page does not say or says wrong", () => {
    expect(pageMastodonCounting()).toEqual({ maxCharacters: undefined, urlLength: undefined });
    expect(countingFrom({ mastodonMaxCharacters: "0", mastodonUrlLength: "2.5" })).toEqual({
      maxCharacters: undefined,
      urlLength: undefined,
    });
    expect(countingFrom({ mastodonMaxCharacters: "lots", mastodonUrlLength: "0" })).toEqual({
      maxCharacters: undefined,
      urlLength: 0,
    });
  });
});
