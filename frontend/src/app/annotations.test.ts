import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Mention } from "../feed/types";
import { ApiError } from "../lib/api";
import { makeMention } from "../testing/make";
import type { TriageApi } from "../triage/api";
import type { AnnotationElements } from "../ui/annotation-box";
import { Annotations } from "./annotations";

let ui: AnnotationElements;
let feedRow: HTMLElement;
let said: [string, string | undefined][];
let selected: Mention | null;
let api: {
  flag: ReturnType<typeof vi.fn>;
  addTag: ReturnType<typeof vi.fn>;
  removeTag: ReturnType<typeof vi.fn>;
  addNote: ReturnType<typeof vi.fn>;
};
let annotations: Annotations;

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const submit = async (text: string) => {
  ui.input.value = text;
  ui.form.requestSubmit();
  await settle();
};

beforeEach(() => {
  document.body.innerHTML =
    '<div id="feed" tabindex="0"></div>' +
    '<form id="a" hidden><label id="l" for="i"></label><input id="i">' +
    '<button id="add" type="submit">Add</button></form>';
  ui = {
    form: document.querySelector("#a") as HTMLFormElement,
    label: document.querySelector("#l") as HTMLElement,
    input: document.querySelector("#i") as HTMLInputElement,
    add: document.querySelector("#add") as HTMLButtonElement,
  };
  feedRow = document.querySelector("#feed") as HTMLElement;
  said = [];
  selected = makeMention(1, { author: { handle: "ana" } });
  api = {
    flag: vi.fn(async () => selected),
    addTag: vi.fn(async (id: number, tag: string) => ({ mention_id: id, tags: [tag] })),
    removeTag: vi.fn(async (id: number) => ({ mention_id: id, tags: [] })),
    addNote: vi.fn(async () => ({})),
  };
  const feed = {
    get selectedMention() {
      return selected;
    },
    mention: (id: number) => (selected?.id === id ? selected : undefined),
    focusFeed: () => feedRow.focus(),
  };
  annotations = new Annotations(ui, api as unknown as TriageApi, feed, (message, tone) =>
    said.push([message, tone]),
  );
});

describe("Annotations", () => {
  it("flags the selected mention, or takes its flag off", async () => {
    annotations.run("flag");
    await settle();
    expect(api.flag).toHaveBeenLastCalledWith(1001, true);
    expect(said.at(-1)).toEqual(["Flagged @ana's mention for the producer.", undefined]);

    if (selected) selected.flagged = true; // as the journal says, meanwhile
    annotations.run("flag");
    await settle();
    expect(api.flag).toHaveBeenLastCalledWith(1001, false);
    expect(said.at(-1)?.[0]).toBe("Took the flag off @ana's mention.");
  });

  it("adds a tag with Enter, then closes and gives the feed the keys again", async () => {
    annotations.run("tag");
    expect(ui.form.hidden).toBe(false);
    expect(ui.label.textContent).toBe("Tag @ana's mention");
    expect(document.activeElement).toBe(ui.input);

    await submit("  VIP ");

    expect(api.addTag).toHaveBeenCalledWith(1001, "VIP");
    expect(said.at(-1)).toEqual(["Tagged @ana's mention: VIP.", undefined]);
    expect(ui.form.hidden).toBe(true);
    expect(document.activeElement).toBe(feedRow);
  });

  it("keeps the box and its text when the server refuses the tag, saying why", async () => {
    api.addTag.mockRejectedValueOnce(new ApiError(422, "tag: Value error, a tag is 1 to 40…"));
    annotations.run("tag");

    await submit("two words");

    expect(said.at(-1)).toEqual(["Tag not added: tag: Value error, a tag is 1 to 40…", "error"]);
    expect(ui.form.hidden).toBe(false);
    expect(ui.input.value).toBe("two words");
    expect(ui.input.readOnly).toBe(false);
    expect(document.activeElement).toBe(ui.input);
  });

  it("adds an internal note, and Escape closes the box unsent", async () => {
    annotations.run("note");
    expect(ui.label.textContent).toBe("Note on @ana's mention (internal, never sent)");
    ui.input.value = "half a thought";
    annotations.run("close-annotation");
    expect(ui.form.hidden).toBe(true);
    expect(document.activeElement).toBe(feedRow);
    expect(api.addNote).not.toHaveBeenCalled();

    annotations.run("note");
    expect(ui.input.value).toBe("");
    await submit("Asked about tickets twice");
    expect(api.addNote).toHaveBeenCalledWith(1001, "Asked about tickets twice");
    expect(said.at(-1)?.[0]).toBe("Note added to @ana's mention, for the team only.");
  });

  it("removes a tag from its ×, and asks for a selection first", async () => {
    annotations.untag(1001, "vip");
    await settle();
    expect(api.removeTag).toHaveBeenCalledWith(1001, "vip");
    expect(said.at(-1)?.[0]).toBe("Removed the tag vip from @ana's mention.");

    selected = null;
    expect(annotations.run("tag")).toBe(true);
    expect(said.at(-1)).toEqual(["Select a mention first: j and k move through the feed.", "error"]);
    expect(ui.form.hidden).toBe(true);
    expect(annotations.run("next")).toBe(false);
  });
});
