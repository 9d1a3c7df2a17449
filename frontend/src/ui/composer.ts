// The reply composer's DOM: the mention being answered, the text, the length counter (as the
// mention's network counts it, with compose/length.ts: the server's own rules, and Mastodon
// as the event's server counts, compose/mastodon-server.ts), the saved
// replies, Send and Release. What the buttons do is the controller's (app/composer.ts).

import { el } from "../lib/dom";
import type { LengthCheck, Network } from "../compose/length";
import { pageMastodonCounting } from "../compose/mastodon-server";
import type { Mention } from "../feed/types";
import type { SavedReply } from "../triage/types";
import { networkLabel } from "./mention-view";

export interface ComposerElements {
  form: HTMLFormElement;
  to: HTMLElement;
  quote: HTMLElement;
  notice: HTMLElement;
  text: HTMLTextAreaElement;
  count: HTMLElement;
  saveState: HTMLElement;
  templates: HTMLElement;
  templateList: HTMLElement;
  send: HTMLButtonElement;
  release: HTMLButtonElement;
}

export interface ComposerHandlers {
  input(): void;
  send(): void;
  /** Release, or close when the claim is already gone. */
  release(): void;
  insert(slot: number): void;
}

type Measure = (network: Network, text: string) => LengthCheck;

const NETWORKS: ReadonlySet<string> = new Set(["x", "mastodon", "bluesky"]);
// twitter-text is about 100 KB: the feed must not wait for it, so it comes when first needed.
let measurer: Promise<Measure> | null = null;
export const loadMeasure = (): Promise<Measure> =>
  (measurer ??= import("../compose/length").then(({ checkLength }) => (network, text) => {
    const mastodon = pageMastodonCounting();
    return checkLength(network, text, mastodon.maxCharacters, mastodon.urlLength);
  }));

export class ComposerView {
  private network = "";
  private measure: Measure | null = null;
  private templates: SavedReply[] = [];
  private busy = false;
  private gone = false;

  constructor(
    private readonly ui: ComposerElements,
    handlers: ComposerHandlers,
  ) {
    ui.form.addEventListener("submit", (event) => {
      event.preventDefault();
      handlers.send();
    });
    ui.release.addEventListener("click", () => handlers.release());
    ui.text.addEventListener("input", () => {
      this.update();
      handlers.input();
    });
    ui.templateList.addEventListener("click", (event) => {
      const button =
        event.target instanceof Element ? event.target.closest<HTMLElement>("[data-slot]") : null;
      if (button) handlers.insert(Number(button.dataset.slot));
    });
    void loadMeasure().then(
      (measure) => {
        this.measure = measure;
        this.update();
      },
      (error: unknown) => console.error("the length counter could not load", error),
    );
  }

  get isOpen(): boolean {
    return !this.ui.form.hidden;
  }

  get hasFocus(): boolean {
    return this.ui.form.contains(document.activeElement);
  }

  get text(): string {
    return this.ui.text.value;
  }

  get lost(): boolean {
    return this.gone;
  }

  /** Opens on `mention`, or on "the next mention" while claim next has not said which. */
  show(mention: Mention | null, draft: string): void {
    const { ui } = this;
    this.network = mention?.network ?? "";
    this.gone = false;
    this.busy = false;
    ui.to.textContent = mention
      ? `${mention.author.name || mention.author.handle} on ${networkLabel(mention.network)}`
      : "the next mention…";
    ui.quote.textContent = mention?.text ?? "";
    // Said before anyone writes: the network would refuse the answer (the server does too).
    const cannot = mention?.reply_eligibility?.ok === false;
    ui.notice.hidden = !cannot;
    ui.notice.textContent = cannot ? `Cannot answer: ${mention?.reply_eligibility?.reason ?? ""}` : "";
    ui.text.readOnly = false;
    ui.text.value = draft;
    ui.release.textContent = "Release";
    if (mention) ui.form.dataset.mentionId = String(mention.id);
    else delete ui.form.dataset.mentionId;
    ui.saveState.textContent = draft ? "Draft restored" : "";
    this.setTemplates([]);
    ui.form.hidden = false;
    this.update();
    ui.text.focus();
    ui.text.setSelectionRange(draft.length, draft.length);
  }

  hide(): void {
    this.ui.form.hidden = true;
    delete this.ui.form.dataset.mentionId;
    this.ui.text.value = "";
    this.gone = false;
  }

  /** Sending (or waiting for the grant to send): the text is what goes, so it holds still. */
  setBusy(busy: boolean): void {
    this.busy = busy;
    this.ui.text.readOnly = busy || this.gone;
    this.update();
  }

  /** While the claim is on its way: type away; Send waits for the grant. */
  setPending(pending: boolean): void {
    if (pending) this.setSaveState("Claiming…");
    else if (this.ui.saveState.textContent === "Claiming…") this.setSaveState("");
  }

  setSaveState(text: string): void {
    if (this.ui.saveState.textContent !== text) this.ui.saveState.textContent = text;
  }

  /** The claim is gone: say so, keep the text to copy, offer only Close. */
  showLost(message: string): void {
    const { ui } = this;
    this.gone = true;
    ui.notice.textContent = `${message} Your text is kept below: copy it before closing.`;
    ui.notice.hidden = false;
    ui.text.readOnly = true;
    ui.release.textContent = "Close";
    ui.saveState.textContent = "";
    this.update();
    ui.text.focus();
    ui.text.select();
  }

  setTemplates(templates: readonly SavedReply[]): void {
    this.templates = templates.slice(0, 9);
    this.ui.templates.hidden = this.templates.length === 0;
    this.ui.templateList.replaceChildren(
      ...this.templates.map((template, index) => {
        const slot = index + 1;
        const button = el("button", "template");
        button.type = "button";
        button.dataset.slot = String(slot);
        button.title = template.text;
        button.setAttribute("aria-keyshortcuts", `Alt+${slot}`);
        button.append(el("kbd", undefined, `alt+${slot}`), el("span", undefined, template.title));
        const item = el("li");
        item.append(button);
        return item;
      }),
    );
  }

  /** The filled-in text of saved reply `slot` (1 to 9), or null. */
  template(slot: number): string | null {
    return this.templates[slot - 1]?.text ?? null;
  }

  /** Put `value` in the box with the caret at `caret`, as typing would (undo included). */
  replaceText(value: string, caret: number): void {
    const area = this.ui.text;
    area.focus();
    area.select();
    // execCommand keeps the browser's undo history; where it is gone, set the value.
    const typed = document.execCommand?.("insertText", false, value) ?? false;
    if (!typed || area.value !== value) area.value = value;
    area.setSelectionRange(caret, caret);
    this.update();
  }

  get selection(): [number, number] {
    return [this.ui.text.selectionStart, this.ui.text.selectionEnd];
  }

  /** Whether Send may be pressed; when not, why (for the status line). */
  check(): { ok: boolean; reason: string | null } {
    if (this.gone) return { ok: false, reason: "This claim has ended; the reply cannot be sent." };
    const text = this.ui.text.value;
    if (this.measure && NETWORKS.has(this.network)) {
      const result = this.measure(this.network as Network, text);
      return { ok: result.valid, reason: result.reason };
    }
    return text.trim() ? { ok: true, reason: null } : { ok: false, reason: "Empty reply" };
  }

  private update(): void {
    const { ui } = this;
    const text = ui.text.value;
    let over = false;
    if (this.measure && NETWORKS.has(this.network)) {
      const result = this.measure(this.network as Network, text);
      over = result.remaining < 0;
      ui.count.textContent = over
        ? `${(-result.remaining).toLocaleString("en")} over`
        : `${result.remaining.toLocaleString("en")} left`;
      ui.count.title = result.reason ?? `${result.length} of ${result.limit}`;
    } else {
      ui.count.textContent = this.measure ? "" : "…";
      ui.count.title = "";
    }
    ui.count.classList.toggle("is-over", over);
    ui.text.setAttribute("aria-invalid", String(over));
    ui.send.disabled = this.busy || !this.check().ok;
    ui.release.disabled = this.busy;
  }
}
