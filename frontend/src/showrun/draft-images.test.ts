import { afterEach, describe, expect, it, vi } from "vitest";
import { ImageLibrary, imageStrip } from "./draft-images";

const answer = (status: number, body: unknown) =>
  vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }));

const image = (id: number, alt: string) => ({ id, url: `/api/attachments/${id}`, alt_text: alt, media_type: "image/png" });

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("a post's images in the draft editor", () => {
  it("shows each image with its alt text, and Remove takes that one off", async () => {
    vi.stubGlobal("fetch", answer(200, { attachments: [image(3, "The ball in the net"), image(4, "")] }));
    const library = new ImageLibrary(1);
    await library.ensure([3, 4]);
    const removed: number[] = [];
    const strip = imageStrip([3, 4], library, { writable: true, remove: (id) => removed.push(id) });

    const thumbs = [...strip.querySelectorAll("img")];
    expect(thumbs.map((thumb) => thumb.getAttribute("src"))).toEqual(["/api/attachments/3", "/api/attachments/4"]);
    expect(thumbs.map((thumb) => thumb.alt)).toEqual(["The ball in the net", "Image 2 (no alt text)"]);
    expect(strip.querySelector<HTMLInputElement>("input.draft-image-alt")?.value).toBe("The ball in the net");

    strip.querySelector<HTMLButtonElement>('button[aria-label="Remove image 2"]')?.click();
    expect(removed).toEqual([4]);
  });

  it("reads the event's images again only when one is unknown", async () => {
    const fetch = answer(200, { attachments: [image(3, "a")] });
    vi.stubGlobal("fetch", fetch);
    const library = new ImageLibrary(1);
    await library.ensure([3]);
    await library.ensure([3]);
    expect(fetch).toHaveBeenCalledTimes(1);
    library.add(image(9, "uploaded here"));
    await library.ensure([3, 9]);
    expect(fetch).toHaveBeenCalledTimes(1);
    await library.ensure([12]);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("shows a reader the alt text, with nothing to change", async () => {
    const library = new ImageLibrary(1);
    library.add(image(3, "The crowd"));
    const strip = imageStrip([3], library, { writable: false, remove: () => undefined });
    expect(strip.querySelector("input, button")).toBeNull();
    expect(strip.textContent).toBe("The crowd");
  });
});
