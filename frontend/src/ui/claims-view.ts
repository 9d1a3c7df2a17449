// "My claims": the mentions this operator holds, soonest lease end first, each with the
// time its lease has left. Each is a button: Tab reaches it, Enter opens its composer.

import { el } from "../lib/dom";
import type { HeldClaim } from "../triage/my-claims";

export interface ClaimsElements {
  list: HTMLElement;
  count: HTMLElement;
  empty: HTMLElement;
}

/** 75 000 ms → "1:15"; a lease that ran out reads "ended". */
export function leaseLeft(ms: number): string {
  if (ms <= 0) return "ended";
  const seconds = Math.ceil(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

// A lease this close to its end is shown as urgent.
const URGENT_MS = 20_000;

export class ClaimsView {
  private items = new Map<number, { row: HTMLElement; left: HTMLElement; until: number }>();

  constructor(
    private readonly ui: ClaimsElements,
    onOpen: (mentionId: number) => void,
  ) {
    ui.list.addEventListener("click", (event) => {
      const button =
        event.target instanceof Element ? event.target.closest<HTMLElement>("[data-id]") : null;
      if (button) onOpen(Number(button.dataset.id));
    });
  }

  render(claims: readonly HeldClaim[], openId: number | null, now: number): void {
    const active = document.activeElement;
    const focused =
      active instanceof HTMLElement && this.ui.list.contains(active) ? active.dataset.id : null;
    this.items.clear();
    const rows = claims.map((claim) => {
      const mention = claim.mention;
      const who = mention
        ? `@${mention.author.handle.replace(/^@/u, "")}`
        : `Mention ${claim.mentionId}`;
      const button = el("button", "claim");
      button.type = "button";
      button.dataset.id = String(claim.mentionId);
      if (claim.mentionId === openId) button.setAttribute("aria-current", "true");
      const left = el("span", "claim-left");
      left.setAttribute("aria-label", "lease left");
      button.append(el("span", "claim-who", who), left);
      if (mention) button.append(el("span", "claim-text", mention.text));
      if (claim.draft) button.append(el("span", "claim-draft", `Draft: ${claim.draft}`));
      const row = el("li");
      row.append(button);
      this.items.set(claim.mentionId, { row: button, left, until: claim.leaseUntil });
      return row;
    });
    this.ui.list.replaceChildren(...rows);
    this.ui.count.textContent = String(claims.length);
    this.ui.empty.hidden = claims.length > 0;
    this.tick(now);
    // Rebuilt under the keyboard: the focus stays on the same claim, or on the list.
    if (focused) {
      const again = this.ui.list.querySelector<HTMLElement>(`[data-id="${focused}"]`);
      (again ?? this.ui.list).focus({ preventScroll: true });
    }
  }

  /** Once a second: the leases count down. */
  tick(now: number): void {
    for (const { row, left, until } of this.items.values()) {
      const ms = until - now;
      const text = leaseLeft(ms);
      if (left.textContent !== text) left.textContent = text;
      row.classList.toggle("is-urgent", ms < URGENT_MS);
    }
  }
}
