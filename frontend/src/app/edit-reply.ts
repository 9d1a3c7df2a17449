// A failed reply edited and sent again: the network refused its text (too long, a
// duplicate, not allowed), so its author or a producer changes it here. A small modal
// dialog keeps the keys simple: Ctrl+Enter sends, Escape closes; the network's counter
// is the composer's.

import type { Network } from "../compose/length";
import { el } from "../lib/dom";
import { showCount } from "../showrun/counter";

export interface EditedReplySend {
  (text: string): Promise<unknown>;
}

/** Open the editor for a failed reply's `text` on `network`; `send` posts the new text. */
export function openReplyEditor(network: string, text: string, send: EditedReplySend): HTMLDialogElement {
  document.querySelector("dialog.edit-reply")?.remove();
  const dialog = el("dialog", "edit-reply");
  dialog.setAttribute("aria-label", "Edit the reply");
  const form = el("form");
  form.append(el("h3", undefined, "Edit the reply and send it again"));
  const box = el("textarea");
  box.name = "text";
  box.rows = 4;
  box.value = text;
  box.setAttribute("aria-label", "The reply's new text");
  const counter = el("span", "draft-counter");
  const count = (): void => showCount(counter, network as Network, box.value);
  box.addEventListener("input", count);
  count();
  const message = el("p", "edit-reply-message");
  message.setAttribute("role", "alert");
  const sendButton = el("button", "primary", "Send again");
  sendButton.type = "submit";
  const cancel = el("button", undefined, "Cancel");
  cancel.type = "button";
  cancel.addEventListener("click", () => dialog.close());
  form.append(box, counter, message, sendButton, cancel);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendButton.disabled = true;
    send(box.value).then(
      () => dialog.close(),
      (error: unknown) => {
        message.textContent = error instanceof Error ? error.message : String(error);
        sendButton.disabled = false;
      },
    );
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  dialog.append(form);
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  box.focus();
  return dialog;
}
