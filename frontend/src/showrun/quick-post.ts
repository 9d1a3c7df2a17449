// A quick post (not a reply) from anywhere in the console: shift+P opens a small composer
// with a text per network of the event and each network's counter; publishing queues it
// at once, or holds it for approval when the event wants that of operators (202).

import type { Network } from "../compose/length";
import { showCount } from "./counter";
import { el } from "../lib/dom";
import { getJSON, postJSON } from "./api";
import { canDirect } from "./roles";

export class QuickPost {
  needsApproval = false;
  private dialog: HTMLDialogElement | null = null;

  constructor(
    private readonly eventId: number,
    private readonly role: string,
    private readonly networks: () => string[],
  ) {}

  refresh(): void {
    getJSON<{ quick_posts_need_approval?: boolean }>(`/api/events/${this.eventId}`).then(
      (event) => {
        this.needsApproval = Boolean(event.quick_posts_need_approval);
      },
      () => undefined,
    );
  }

  open(): void {
    this.dialog?.remove();
    const dialog = el("dialog", "quick-post");
    dialog.setAttribute("aria-label", "Quick post");
    const form = el("form");
    form.append(el("h3", undefined, "Quick post"));
    const texts = new Map<Network, HTMLTextAreaElement>();
    for (const network of this.networks() as Network[]) {
      const label = el("label", "draft-text", network);
      const text = el("textarea");
      text.name = network;
      text.rows = 3;
      const counter = el("span", "draft-counter");
      const count = (): void => {
        showCount(counter, network, text.value);
      };
      text.addEventListener("input", count);
      count();
      label.append(text, counter);
      form.append(label);
      texts.set(network, text);
    }
    const held = this.needsApproval && !canDirect(this.role);
    if (held) form.append(el("p", "quick-post-hint", "This event holds quick posts for a producer's approval."));
    const message = el("p", "quick-post-message");
    message.setAttribute("role", "alert");
    const send = el("button", "primary", held ? "Send for approval" : "Publish");
    send.type = "submit";
    const cancel = el("button", undefined, "Cancel");
    cancel.type = "button";
    cancel.addEventListener("click", () => dialog.close());
    form.append(message, send, cancel);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = Object.fromEntries([...texts].map(([network, text]) => [network, text.value]));
      postJSON<{ status: string }>(`/api/events/${this.eventId}/quick-posts`, { texts: body }).then(
        (answer) => {
          message.textContent = answer.status === "held_for_approval" ? "Held for approval." : "Published.";
          setTimeout(() => dialog.close(), 800);
        },
        (error: unknown) => {
          message.textContent = error instanceof Error ? error.message : String(error);
        },
      );
    });
    dialog.append(form);
    dialog.addEventListener("close", () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
    texts.values().next().value?.focus();
    this.dialog = dialog;
  }
}
