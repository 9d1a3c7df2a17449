import { beforeEach, describe, expect, it } from "vitest";
import { makeMention } from "../testing/make";
import { type ComposerElements, ComposerView, loadMeasure } from "./composer";

let ui: ComposerElements;
let inputs: number;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

beforeEach(async () => {
  document.body.innerHTML = `
    <form id="form" hidden><span id="to"></span><p id="quote"></p><p id="notice" hidden></p>
      <textarea id="text"></textarea><span id="count"></span><span id="save"></span>
      <div id="templates" hidden><ol id="template-list"></ol></div>
      <button id="send" type="submit">Send</button>
      <button id="release" type="button">Release</button>
    </form>`;
  ui = {
    form: byId("form"),
    to: byId("to"),
    quote: byId("quote"),
    notice: byId("notice"),
    text: byId("text"),
    count: byId("count"),
    saveState: byId("save"),
    templates: byId("templates"),
    templateList: byId("template-list"),
    send: byId("send"),
    release: byId("release"),
  };
  inputs = 0;
  await loadMeasure();
});

const makeView = async () => {
  const view = new ComposerView(ui, {
    input: () => (inputs += 1),
    send: () => undefined,
    release: () => undefined,
    insert: () => undefined,
  });
  await loadMeasure();
  await Promise.resolve();
  return view;
};

const type = (text: string) => {
  ui.text.value = text;
  ui.text.dispatchEvent(new Event("input"));
};

describe("ComposerView", () => {
  it("counts as the mention's network does, and refuses what is over or empty", async () => {
    const view = await makeView();
    view.show(makeMention(1, { network: "x", text: "Who scored?" }), "");

    expect(ui.form.hidden).toBe(false);
    expect(ui.quote.textContent).toBe("Who scored?");
    expect(ui.send.disabled).toBe(true); // empty

    type("Silva! https://example.com/a/very/long/link/that/counts/as/twenty-three");
    expect(ui.count.textContent).toBe(`${280 - 30} left`);
    expect(ui.send.disabled).toBe(false);
    expect(inputs).toBe(1);

    type("é".repeat(281));
    expect(ui.count.textContent).toBe("1 over");
    expect(ui.count.classList.contains("is-over")).toBe(true);
    expect(ui.send.disabled).toBe(true);
    expect(view.check().reason).toBe("1 character over X's limit of 280 (URLs count 23 each)");
  });

  it("uses each network's limit", async () => {
    const view = await makeView();
    view.show(makeMention(1, { network: "bluesky" }), "👍🏽");

    expect(ui.count.textContent).toBe("299 left");
    expect(ui.text.value).toBe("👍🏽");
  });

  it("counts Mastodon as the event's server does, as the page says", async () => {
    const view = await makeView();
    view.show(makeMention(1, { network: "mastodon" }), "a".repeat(700));
    expect(ui.count.textContent).toBe("200 over");

    const desk = document.createElement("div");
    desk.dataset.mastodonMaxCharacters = "1000";
    desk.dataset.mastodonUrlLength = "23";
    document.body.append(desk);
    type("a".repeat(700));
    expect(ui.count.textContent).toBe("300 left");
    expect(ui.send.disabled).toBe(false);
  });

  it("lets Send be pressed while claiming, and holds the text while it waits", async () => {
    const view = await makeView();
    view.show(null, "");
    type("quick");

    view.setPending(true);
    expect(ui.send.disabled).toBe(false);
    expect(ui.saveState.textContent).toBe("Claiming…");
    expect(ui.to.textContent).toBe("the next mention…");

    view.setBusy(true);
    expect(ui.send.disabled).toBe(true);
    expect(ui.text.readOnly).toBe(true);
    view.setBusy(false);
    view.setPending(false);
    expect(ui.text.readOnly).toBe(false);
    expect(ui.saveState.textContent).toBe("");
  });

  it("keeps the text to copy when the claim is lost", async () => {
    const view = await makeView();
    view.show(makeMention(1), "half a thought");

    view.showLost("Pat took over @fan1's mention.");

    expect(ui.notice.hidden).toBe(false);
    expect(ui.notice.textContent).toContain("Pat took over");
    expect(ui.text.readOnly).toBe(true);
    expect(ui.text.value).toBe("half a thought");
    expect(ui.send.disabled).toBe(true);
    expect(ui.release.textContent).toBe("Close");
  });

  it("lists up to nine saved replies with their keys", async () => {
    const view = await makeView();
    view.show(makeMention(1), "");
    const saved = Array.from({ length: 11 }, (_, i) => ({
      id: i,
      title: `T${i + 1}`,
      text: `Thanks @fan1 (${i + 1})`,
    }));

    view.setTemplates(saved);

    expect(ui.templates.hidden).toBe(false);
    expect(ui.templateList.querySelectorAll("button")).toHaveLength(9);
    const first = ui.templateList.querySelector("button");
    expect(first?.getAttribute("aria-keyshortcuts")).toBe("Alt+1");
    expect(view.template(2)).toBe("Thanks @fan1 (2)");
    expect(view.template(10)).toBeNull();
  });
});
