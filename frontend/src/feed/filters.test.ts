import { describe, expect, it } from "vitest";
import { makeMention } from "../testing/make";
import {
  type Filters,
  NO_FILTERS,
  compileFilter,
  fold,
  isFiltering,
  primaryLanguage,
} from "./filters";

const filter = (changes: Partial<Filters>) => compileFilter({ ...NO_FILTERS, ...changes });

describe("filters", () => {
  it("lets everything through when nothing is set", () => {
    expect(isFiltering(NO_FILTERS)).toBe(false);
    expect(compileFilter(NO_FILTERS)(makeMention(1, { network: "bluesky" }))).toBe(true);
  });

  it("hides the networks switched off, and only those", () => {
    const match = filter({ hiddenNetworks: new Set(["x"]) });

    expect(match(makeMention(1, { network: "x" }))).toBe(false);
    expect(match(makeMention(2, { network: "mastodon" }))).toBe(true);
    expect(match(makeMention(3, { network: "threads" }))).toBe(true);
  });

  it("searches text, handle and name for every word, ignoring case and accents", () => {
    const match = filter({ query: "  sao   GOL " });

    expect(match(makeMention(1, { text: "Golaço do São Paulo!" }))).toBe(true);
    expect(match(makeMention(2, { text: "Golaço!", author: { name: "São Paulo FC" } }))).toBe(true);
    expect(match(makeMention(3, { text: "Golaço do Santos" }))).toBe(false);
    expect(filter({ query: "@fan4" })(makeMention(4))).toBe(true);
  });

  it("keeps verified authors only when asked", () => {
    const match = filter({ verifiedOnly: true });

    expect(match(makeMention(1, { author: { verified: true } }))).toBe(true);
    expect(match(makeMention(2, { author: { verified: false } }))).toBe(false);
  });

  it("keeps authors with at least the minimum of followers", () => {
    const match = filter({ minFollowers: 10_000 });

    expect(match(makeMention(1, { author: { followers: 10_000 } }))).toBe(true);
    expect(match(makeMention(2, { author: { followers: 9_999 } }))).toBe(false);
  });

  it("matches the language by its primary subtag; unknown languages never match", () => {
    const match = filter({ lang: "pt" });

    expect(match(makeMention(1, { lang: "pt-BR" }))).toBe(true);
    expect(match(makeMention(2, { lang: "PT" }))).toBe(true);
    expect(match(makeMention(3, { lang: "es" }))).toBe(false);
    expect(match(makeMention(4, { lang: null }))).toBe(false);
  });

  it("combines every filter", () => {
    const changes = {
      hiddenNetworks: new Set(["mastodon"]),
      verifiedOnly: true,
      minFollowers: 1_000,
      lang: "en",
      query: "goal",
    };
    const match = filter(changes);
    const good = { author: { verified: true, followers: 5_000 }, text: "GOAL!", lang: "en" };

    expect(isFiltering({ ...NO_FILTERS, ...changes })).toBe(true);
    expect(match(makeMention(1, good))).toBe(true);
    expect(match(makeMention(2, { ...good, network: "mastodon" }))).toBe(false);
    expect(match(makeMention(3, { ...good, text: "save" }))).toBe(false);
  });

  it("folds and parses as documented", () => {
    expect(fold("Ñandú ÉTÉ")).toBe("nandu ete");
    expect(primaryLanguage("en_GB")).toBe("en");
    expect(primaryLanguage("")).toBeNull();
  });
});
