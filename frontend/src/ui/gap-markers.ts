// Gap markers in the feed: where a source was disconnected, from when to when, and whether
// the back-fill closed it, so an operator knows what they may have missed. A marker sits
// where its gap opened (above the rows that arrived before it). The list redraws itself
// without knowing the markers; an observer puts them back in place after each change.

import { el } from "../lib/dom";
import { formatClock } from "../lib/time";
import type { Gap } from "../feed/sources";
import { networkLabel } from "./mention-view";

const clockOf = (iso: string | null): string => {
  const date = iso ? new Date(iso) : null;
  return date && !Number.isNaN(date.getTime()) ? formatClock(date) : "";
};

/** What a marker says. */
export function describeGap(gap: Gap): string {
  const where = networkLabel(gap.network) || "a source";
  const span = `${clockOf(gap.fromAt)} – ${gap.toAt ? clockOf(gap.toAt) : "now"}`;
  if (gap.toAt === null) return `Gap in ${where}: ${span} · disconnected, back-fill pending`;
  if (gap.backfilled) return `Gap in ${where}: ${span} · back-filled, nothing missed`;
  return `Gap in ${where}: ${span} · not back-filled: posts from then may be missing`;
}

const keyOf = (gap: Gap): string => `${gap.sourceId}@${gap.fromAt}`;

export class GapMarkers {
  private nodes = new Map<string, { gap: Gap; node: HTMLElement }>();

  constructor(private readonly list: HTMLElement) {
    new MutationObserver(() => this.place()).observe(list, { childList: true });
  }

  show(gaps: readonly Gap[]): void {
    for (const gap of gaps) {
      const key = keyOf(gap);
      let held = this.nodes.get(key);
      if (!held) {
        const node = el("div", "gap-marker");
        node.setAttribute("role", "note");
        held = { gap, node };
        this.nodes.set(key, held);
      }
      held.gap = gap;
      const text = describeGap(gap);
      if (held.node.textContent !== text) held.node.textContent = text;
      held.node.dataset.state = gap.toAt === null ? "open" : gap.backfilled ? "filled" : "missed";
    }
    this.place();
  }

  /** Each marker above the newest row older than its gap; moved only when out of place. */
  place(): void {
    if (!this.nodes.size) return;
    const rows = [...this.list.querySelectorAll<HTMLElement>(":scope > .mention")];
    for (const { gap, node } of this.nodes.values()) {
      const below = rows.find((row) => Number(row.dataset.seq) < gap.seq) ?? null;
      if (below) {
        if (node.nextElementSibling !== below) this.list.insertBefore(node, below);
      } else if (node.parentElement !== this.list || node.nextElementSibling !== null) {
        this.list.append(node);
      }
    }
  }
}
