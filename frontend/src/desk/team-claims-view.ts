// "The team's claims": every mention someone holds, longest waiting first, with who holds
// it and how long its author has waited. Each is a button: it selects the mention in the feed.

import { el } from "../lib/dom";
import { type TeamClaim, waited } from "../triage/team-claims";

export interface TeamClaimsElements {
  list: HTMLElement;
  count: HTMLElement;
  empty: HTMLElement;
}

// A mention waiting this long for its answer is shown as urgent.
const LONG_WAIT_MS = 5 * 60_000;

export class TeamClaimsView {
  private waits: { node: HTMLElement; row: HTMLElement; since: number | null }[] = [];

  constructor(
    private readonly ui: TeamClaimsElements,
    private readonly me: string,
    onPick: (mentionId: number) => void,
  ) {
    ui.list.addEventListener("click", (event) => {
      const button =
        event.target instanceof Element ? event.target.closest<HTMLElement>("[data-id]") : null;
      if (button) onPick(Number(button.dataset.id));
    });
  }

  render(claims: readonly TeamClaim[], now: number): void {
    this.waits = [];
    const rows = claims.map((claim) => {
      const button = el("button", "claim team-claim");
      button.type = "button";
      button.dataset.id = String(claim.mentionId);
      const holder = claim.holder.username === this.me ? "You" : claim.holder.display_name;
      const wait = el("span", "claim-left");
      wait.title = "How long the author has waited since the mention arrived";
      button.append(
        el("span", "claim-who", claim.handle ?? `Mention ${claim.mentionId}`),
        wait,
        el("span", "team-claim-holder", `Held by ${holder || claim.holder.username}`),
      );
      if (claim.text) button.append(el("span", "claim-text", claim.text));
      this.waits.push({ node: wait, row: button, since: claim.receivedAt });
      const row = el("li");
      row.append(button);
      return row;
    });
    this.ui.list.replaceChildren(...rows);
    this.ui.count.textContent = String(claims.length);
    this.ui.empty.hidden = claims.length > 0;
    this.tick(now);
  }

  /** Once a second: the waits grow. */
  tick(now: number): void {
    for (const { node, row, since } of this.waits) {
      const text = since === null ? "" : `waiting ${waited(now - since)}`;
      if (node.textContent !== text) node.textContent = text;
      row.classList.toggle("is-urgent", since !== null && now - since > LONG_WAIT_MS);
    }
  }
}
