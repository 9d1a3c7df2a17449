import { beforeEach, describe, expect, it } from "vitest";
import { type KeyLike, commandFor } from "./keys";

let filters: HTMLElement;
let search: HTMLInputElement;
let select: HTMLSelectElement;
let feed: HTMLElement;
let row: HTMLElement;
let button: HTMLButtonElement;
let composer: HTMLElement;
let reply: HTMLTextAreaElement;
let send: HTMLButtonElement;
let annotation: HTMLElement;
let annotationInput: HTMLInputElement;

beforeEach(() => {
  document.body.innerHTML =
    '<form id="f"><input id="q"><select id="s"></select><button id="b">Pause</button></form>' +
    '<div id="feed"><article id="row"></article></div>' +
    '<form id="c"><textarea id="t"></textarea><button id="send">Send</button></form>' +
    '<form id="a"><input id="ai"><button id="add">Add</button></form>';
  filters = document.querySelector("#f") as HTMLElement;
  search = document.querySelector("#q") as HTMLInputElement;
  select = document.querySelector("#s") as HTMLSelectElement;
  feed = document.querySelector("#feed") as HTMLElement;
  row = document.querySelector("#row") as HTMLElement;
  button = document.querySelector("#b") as HTMLButtonElement;
  composer = document.querySelector("#c") as HTMLElement;
  reply = document.querySelector("#t") as HTMLTextAreaElement;
  send = document.querySelector("#send") as HTMLButtonElement;
  annotation = document.querySelector("#a") as HTMLElement;
  annotationInput = document.querySelector("#ai") as HTMLInputElement;
});

const press = (key: string, target: EventTarget | null, extra: Partial<KeyLike> = {}) =>
  commandFor(
    { key, target, altKey: false, ctrlKey: false, metaKey: false, ...extra },
    { filters, feed, composer, annotation },
  );

describe("commandFor", () => {
  it("maps the desk's keys anywhere on the page", () => {
    expect(press("j", document.body)).toBe("next");
    expect(press("k", row)).toBe("previous");
    expect(press("/", document.body)).toBe("search");
    expect(press(" ", row)).toBe("toggle-pause");
    expect(press("Escape", row)).toBe("deselect");
  });

  it("leaves the arrows to the page outside the feed", () => {
    expect(press("ArrowDown", row)).toBe("next");
    expect(press("ArrowUp", row)).toBe("previous");
    expect(press("ArrowDown", document.body)).toBeNull();
  });

  it("lets the search box keep what is typed in it, except Escape", () => {
    expect(press("j", search)).toBeNull();
    expect(press(" ", search)).toBeNull();
    expect(press("/", search)).toBeNull();
    expect(press("Escape", search)).toBe("leave-filters");
  });

  it("steps back from any filter to the feed with Escape", () => {
    expect(press("j", select)).toBeNull();
    expect(press("Escape", select)).toBe("leave-filters");
    expect(press("Escape", button)).toBe("leave-filters");
  });

  it("leaves space to a focused button, and shortcuts with modifiers to the browser", () => {
    expect(press(" ", button)).toBeNull();
    expect(press("k", document.body, { ctrlKey: true })).toBeNull();
    expect(press("j", document.body, { metaKey: true })).toBeNull();
  });

  it("claims, replies, claims the next and dismisses from the feed", () => {
    expect(press("c", row)).toBe("claim");
    expect(press("r", row)).toBe("reply");
    expect(press("n", document.body)).toBe("claim-next");
    expect(press("d", row)).toBe("dismiss");
    expect(press("c", search)).toBeNull();
    expect(press("c", row, { ctrlKey: true })).toBeNull();
  });

  it("flags, tags, notes and takes over the selected mention from the feed", () => {
    expect(press("f", row)).toBe("flag");
    expect(press("t", row)).toBe("tag");
    expect(press("N", row)).toBe("note");
    expect(press("C", document.body)).toBe("take-over");
    // Shift+N is a note, n still the next claim; likewise C and c.
    expect(press("n", row)).toBe("claim-next");
    expect(press("c", row)).toBe("claim");
    expect(press("f", search)).toBeNull();
    expect(press("t", row, { metaKey: true })).toBeNull();
    expect(press("C", row, { ctrlKey: true })).toBeNull();
    // Caps lock types C without shift: no take-over by accident.
    expect(press("C", row, { shiftKey: true })).toBe("take-over");
    expect(press("C", row, { shiftKey: false })).toBeNull();
    expect(press("N", row, { shiftKey: false })).toBeNull();
    for (const key of ["f", "t", "N", "C"]) expect(press(key, reply)).toBeNull();
  });

  it("closes the tag or note box with Escape and leaves every other key to it", () => {
    expect(press("Escape", annotationInput)).toBe("close-annotation");
    expect(press("Escape", annotation.querySelector("#add"))).toBe("close-annotation");
    expect(press("Escape", annotationInput, { ctrlKey: true })).toBeNull();
    for (const key of ["Enter", "f", "t", "N", "C", "j", "c", "/", " "]) {
      expect(press(key, annotationInput)).toBeNull();
    }
  });

  it("sends with ctrl+enter or cmd+enter and releases with Escape in the composer", () => {
    expect(press("Enter", reply, { ctrlKey: true })).toBe("send");
    expect(press("Enter", reply, { metaKey: true })).toBe("send");
    expect(press("Enter", send, { ctrlKey: true })).toBe("send");
    expect(press("Escape", reply)).toBe("release");
    expect(press("Escape", send)).toBe("release");
  });

  it("leaves every other key in the composer to the text", () => {
    expect(press("Enter", reply)).toBeNull();
    expect(press("Enter", reply, { altKey: true, ctrlKey: true })).toBeNull();
    for (const key of ["c", "r", "n", "d", "j", "/", " "]) expect(press(key, reply)).toBeNull();
  });

  it("inserts a saved reply with alt+1 to alt+9, whatever character the layout types", () => {
    const slot = (n: number) => ({ kind: "saved-reply", slot: n });
    expect(press("1", reply, { altKey: true, code: "Digit1" })).toEqual(slot(1));
    expect(press("¡", reply, { altKey: true, code: "Digit1" })).toEqual(slot(1));
    expect(press("9", reply, { altKey: true })).toEqual(slot(9));
    expect(press("0", reply, { altKey: true, code: "Digit0" })).toBeNull();
    expect(press("1", reply, { altKey: true, ctrlKey: true, code: "Digit1" })).toBeNull();
    expect(press("1", row, { altKey: true, code: "Digit1" })).toBeNull();
  });

  it("switches between the live list and the queue with q, never while typing", () => {
    expect(press("q", row)).toBe("toggle-queue");
    expect(press("q", document.body)).toBe("toggle-queue");
    expect(press("q", button)).toBeNull(); // a focused control keeps its keys, as for j
    expect(press("q", search)).toBeNull();
    expect(press("q", reply)).toBeNull();
    expect(press("q", annotationInput)).toBeNull();
    expect(press("q", row, { ctrlKey: true })).toBeNull();
    expect(press("Q", row, { shiftKey: true })).toBeNull();
  });

  it("opens or closes the selected row's flood group with e, never while typing", () => {
    expect(press("e", row)).toBe("toggle-group");
    expect(press("e", search)).toBeNull();
    expect(press("e", reply)).toBeNull();
    expect(press("e", row, { ctrlKey: true })).toBeNull();
  });
});
