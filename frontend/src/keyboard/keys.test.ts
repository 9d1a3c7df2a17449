import { beforeEach, describe, expect, it } from "vitest";
import { type KeyLike, commandFor } from "./keys";

let filters: HTMLElement;
let search: HTMLInputElement;
let select: HTMLSelectElement;
let feed: HTMLElement;
let row: HTMLElement;
let button: HTMLButtonElement;

beforeEach(() => {
  document.body.innerHTML =
    '<form id="f"><input id="q"><select id="s"></select><button id="b">Pause</button></form>' +
    '<div id="feed"><article id="row"></article></div>';
  filters = document.querySelector("#f") as HTMLElement;
  search = document.querySelector("#q") as HTMLInputElement;
  select = document.querySelector("#s") as HTMLSelectElement;
  feed = document.querySelector("#feed") as HTMLElement;
  row = document.querySelector("#row") as HTMLElement;
  button = document.querySelector("#b") as HTMLButtonElement;
});

const press = (key: string, target: EventTarget | null, extra: Partial<KeyLike> = {}) =>
  commandFor(
    { key, target, altKey: false, ctrlKey: false, metaKey: false, ...extra },
    filters,
    feed,
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
});
