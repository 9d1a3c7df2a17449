import { describe, expect, it } from "vitest";
import { highlightText, tokenize } from "./highlight";

const TRACKED = new Set(["cupfinal"]);
const LINK = '<a class="m-link" href="{href}" target="_blank" rel="noopener noreferrer nofollow">';

function html(text: string): string {
  const box = document.createElement("p");
  box.append(highlightText(text, TRACKED));
  // innerHTML escapes text nodes: "&lt;" here means the markup was shown, not parsed.
  return box.innerHTML;
}

describe("highlightText", () => {
  it("marks hashtags, the event's own in their own colour", () => {
    expect(html("Goal! #CupFinal #Other")).toBe(
      'Goal! <span class="m-tag m-tag-tracked">#CupFinal</span> <span class="m-tag">#Other</span>',
    );
  });

  it("keeps markup as text", () => {
    const box = document.createElement("p");
    box.append(highlightText('<b>bold</b> & <img src=x onerror="alert(1)">', TRACKED));

    expect(box.querySelector("img, b")).toBeNull();
    expect(box.textContent).toBe('<b>bold</b> & <img src=x onerror="alert(1)">');
    expect(box.innerHTML).toBe(
      '&lt;b&gt;bold&lt;/b&gt; &amp; &lt;img src=x onerror="alert(1)"&gt;',
    );
  });

  it("makes http(s) links that leave no trace behind, without trailing punctuation", () => {
    expect(html("clip: https://example.org/clip.")).toBe(
      `clip: ${LINK.replace("{href}", "https://example.org/clip")}example.org/clip</a>.`,
    );
  });

  it("shortens long links", () => {
    const url = `https://www.example.org/${"a".repeat(60)}`;

    expect(html(url)).toBe(
      `${LINK.replace("{href}", url)}example.org/${"a".repeat(28)}…</a>`,
    );
  });

  it("never links other schemes, and leaves a#b and e-mail addresses alone", () => {
    expect(html("javascript:alert(1) a#b ana@x.org")).toBe("javascript:alert(1) a#b ana@x.org");
  });

  it("marks Mastodon and Bluesky handles", () => {
    expect(html("@bo@social.example and @cy.bsky.social.")).toBe(
      '<span class="m-at">@bo@social.example</span> and <span class="m-at">@cy.bsky.social</span>.',
    );
  });

  it("handles hashtags in any script", () => {
    expect(tokenize("¡Gol! #Golazo #ワールドカップ", TRACKED)).toEqual([
      { kind: "text", text: "¡Gol! " },
      { kind: "tag", text: "#Golazo", tracked: false },
      { kind: "text", text: " " },
      { kind: "tag", text: "#ワールドカップ", tracked: false },
    ]);
  });

  it("a quote in a link ends it, so an attribute cannot be smuggled in", () => {
    const box = document.createElement("p");
    box.append(highlightText('https://example.org/"onmouseover="alert(1)', TRACKED));

    const anchor = box.querySelector("a");
    expect(anchor?.getAttribute("href")).toBe("https://example.org/");
    expect(anchor?.getAttribute("onmouseover")).toBeNull();
  });
});
