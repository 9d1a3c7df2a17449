import { describe, expect, it } from "vitest";
import { QUINN, makeMention } from "../testing/make";
import { claimEndedMessage, handleOf } from "./words";

describe("claimEndedMessage", () => {
  it("says why, naming the mention's author and who ended it", () => {
    const mention = makeMention(1, { author: { handle: "ana" } });

    expect(claimEndedMessage(mention, 1001, "expired", null)).toBe(
      "Your claim on @ana's mention ran out.",
    );
    expect(claimEndedMessage(mention, 1001, "taken-over", QUINN)).toBe(
      "Quinn took over @ana's mention.",
    );
    expect(claimEndedMessage(null, 1001, "replied", { username: "pat", display_name: "" })).toBe(
      "pat answered mention 1001.",
    );
    expect(claimEndedMessage(null, 7, "dismissed", null)).toBe("someone dismissed mention 7.");
  });

  it("writes a handle with one @", () => {
    expect(handleOf(makeMention(1, { author: { handle: "@zoe@masto.example" } }))).toBe(
      "@zoe@masto.example",
    );
    expect(handleOf(makeMention(1, { author: { handle: "zoe.bsky.social" } }))).toBe(
      "@zoe.bsky.social",
    );
  });
});
