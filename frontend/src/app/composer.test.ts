// The composer against a fake server (fetch is the edge of the browser): a send pressed
// before the grant, a refused claim, the draft kept in the browser at every keystroke and
// reconciled with the server's after a reload, and a save missed offline sent when the
// connection is back.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Mention } from "../feed/types";
import { makeMention, makeReply } from "../testing/make";
import { TriageApi } from "../triage/api";
import { LocalDrafts } from "../triage/local-drafts";
import { MyClaims } from "../triage/my-claims";
import { ViewReport } from "../triage/typing";
import { type ComposerElements, loadMeasure } from "../ui/composer";
import { type Claimed, Composer } from "./composer";

interface Call {
  path: string;
  body: Record<string, unknown>;
}

let calls: Call[];
let offline: boolean;
let said: string[];
let ui: ComposerElements;
const mention: Mention = makeMention(1, { author: { handle: "ana" } });
const OLIVE = { username: "olive", display_name: "Olive" };

const grant = (draft: string | null = null, fence = 4) => ({
  mention,
  holder: OLIVE,
  fence,
  lease_until: "2026-02-08T20:01:30Z",
  draft,
});

/** The server's side of the calls the composer makes. */
async function fakeServer(url: string | URL | Request, init?: RequestInit): Promise<Response> {
  if (offline) throw new TypeError("Failed to fetch");
  const path = String(url);
  const body = init?.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : {};
  calls.push({ path, body });
  const json = (data: unknown) =>
    new Response(JSON.stringify(data), { headers: { "Content-Type": "application/json" } });
  if (path.endsWith("/renew")) return json(grant(String(body.draft)));
  if (path.endsWith("/reply")) return json(makeReply(mention.id, { text: String(body.text) }));
  if (path.endsWith("/saved-replies")) return json({ saved_replies: [] });
  return new Response("{}", { status: 404 });
}

const settle = async () => {
  for (let round = 0; round < 5; round += 1) await new Promise((r) => setTimeout(r, 0));
};
const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const type = (text: string) => {
  ui.text.value = text;
  ui.text.dispatchEvent(new Event("input"));
};
const callsTo = (suffix: string) => calls.filter((call) => call.path.endsWith(suffix));

/** A console as a page load makes it: its own composer, over this browser's storage. */
function makeConsole() {
  const api = new TriageApi(1);
  const claims = new MyClaims("olive");
  const drafts = new LocalDrafts(window.localStorage, "olive", 1);
  const composer = new Composer(ui, {
    api,
    claims,
    drafts,
    report: new ViewReport(() => undefined),
    say: (message) => said.push(message),
    ending: () => undefined,
    claimsChanged: () => undefined,
    focusFeed: () => undefined,
  });
  /** A claim as the server grants it, through MyClaims as the desk does. */
  const granted = (draft: string | null = null): Claimed => {
    const held = claims.grant(grant(draft));
    if (!held) throw new Error("the claim ended");
    return held;
  };
  return { composer, drafts, granted };
}

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
  calls = [];
  said = [];
  offline = false;
  window.localStorage.clear();
  vi.stubGlobal("fetch", fakeServer);
  await loadMeasure();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("Composer", () => {
  it("sends a reply pressed before the claim is granted once, when it is", async () => {
    const { composer, drafts, granted } = makeConsole();
    let grantNow: (claimed: Claimed) => void = () => undefined;
    const opening = composer.openClaiming(mention, new Promise((r) => (grantNow = r)));
    type("Silva, in the 89th minute!");

    await composer.send();
    await composer.send();
    expect(callsTo("/reply")).toEqual([]);
    expect(ui.text.readOnly).toBe(true);
    expect(ui.saveState.textContent).toBe("Sending once the claim is granted…");

    grantNow(granted());
    await opening;
    await settle();
    expect(callsTo("/reply").map((call) => call.body)).toEqual([
      { text: "Silva, in the 89th minute!", fence: 4 },
    ]);
    expect(ui.form.hidden).toBe(true);
    expect(drafts.get(mention.id)).toBeUndefined();
    expect(said).toContain("Reply to @ana sent to the publisher.");
  });

  it("keeps the text and says why when the claim is refused after Send", async () => {
    const { composer, drafts } = makeConsole();
    const refusal = `Mention ${mention.id} is held by Quinn until 20:01:30 UTC.`;
    let refuse: (claimed: Claimed) => void = () => undefined;
    const opening = composer.openClaiming(mention, new Promise((r) => (refuse = r)));
    type("Thanks for asking");
    await composer.send();

    refuse({ refused: refusal });
    await opening;
    expect(callsTo("/reply")).toEqual([]);
    expect(ui.notice.textContent).toContain(`Not sent: ${refusal}`);
    expect(ui.text.value).toBe("Thanks for asking");
    expect(drafts.get(mention.id)?.text).toBe("Thanks for asking");
    expect(drafts.get(mention.id)?.held).toBe(false);
  });

  it("brings every character back after a reload, before the server answers", async () => {
    const before = makeConsole();
    before.composer.open(before.granted() as never, mention);
    type("It is back up");
    await vi.waitFor(() => expect(callsTo("/renew")).toHaveLength(1), { timeout: 3_000 });
    type("It is back up, sorry about that!");

    // The page reloads: the server has only the first save.
    const after = makeConsole();
    let answer: (claimed: Claimed) => void = () => undefined;
    const opening = after.composer.openClaiming(mention, new Promise((r) => (answer = r)));
    expect(ui.text.value).toBe("It is back up, sorry about that!");

    answer(after.granted("It is back up"));
    await opening;
    await settle();
    expect(ui.text.value).toBe("It is back up, sorry about that!");
    expect(ui.saveState.textContent).toBe(
      "Draft restored from this browser (newer than the server's)",
    );
    expect(callsTo("/renew").at(-1)?.body).toEqual({
      fence: 4,
      draft: "It is back up, sorry about that!",
    });
  });

  it("takes the server's draft when another console saved it later", async () => {
    const before = makeConsole();
    before.composer.open(before.granted() as never, mention);
    type("Not yet");
    before.composer.close(false);

    const after = makeConsole();
    await after.composer.openClaiming(mention, Promise.resolve(after.granted("Fixed now!")));

    expect(ui.text.value).toBe("Fixed now!");
    expect(ui.saveState.textContent).toMatch(/^Draft restored from the server/u);
  });

  it("sends a draft that could not be saved offline as soon as the connection is back", async () => {
    const { composer, granted } = makeConsole();
    composer.open(granted() as never, mention);
    offline = true;
    type("Typed on the train");
    await vi.waitFor(() => expect(ui.saveState.textContent).toMatch(/^Draft not saved/u), {
      timeout: 3_000,
    });
    expect(callsTo("/renew")).toEqual([]);

    offline = false;
    composer.connectionBack();
    await settle();
    expect(callsTo("/renew").map((call) => call.body)).toEqual([
      { fence: 4, draft: "Typed on the train" },
    ]);
  });
});
