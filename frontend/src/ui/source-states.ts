// The sources' states in the header, one chip each: "X · connected · 12/min",
// "Mastodon · reconnecting since 20:01:03", "X · rate limited until 20:05:00",
// "X · credentials refused", and X's reads this month against the cap.

import { el } from "../lib/dom";
import { formatClock } from "../lib/time";
import type { SourceInfo } from "../feed/sources";
import { exactNumber } from "./format";
import { networkLabel } from "./mention-view";

const clockOf = (iso: string | null): string => {
  const date = iso ? new Date(iso) : null;
  return date && !Number.isNaN(date.getTime()) ? formatClock(date) : "";
};

const kindLabel = (kind: string): string =>
  kind === "simulator" ? "Simulator" : networkLabel(kind);

/** The words of one source's chip, and the longer text of its tooltip. */
export function describeSource(source: SourceInfo): { words: string; detail: string } {
  const state = source.state;
  const label = kindLabel(source.kind);
  if (!state) return { words: `${label} · ${source.status}`, detail: source.error ?? "" };
  let words: string;
  switch (state.status) {
    case "connected":
      words = `connected · ${exactNumber(state.items_per_minute)}/min`;
      break;
    case "reconnecting":
      words = `reconnecting since ${clockOf(state.reconnecting_since ?? state.since)}`;
      break;
    case "rate_limited":
      words = `rate limited until ${clockOf(state.rate_limited_until)}`;
      break;
    case "refused":
      words = "credentials refused";
      break;
    case "connecting":
      words = "connecting…";
      break;
    default:
      words = state.status;
  }
  const parts = [state.message ?? ""];
  if (state.last_item_at) parts.push(`last item at ${clockOf(state.last_item_at)}`);
  if (state.malformed) parts.push(`${exactNumber(state.malformed)} malformed payloads skipped`);
  let reads = "";
  if (state.reads_month !== undefined && state.reads_cap !== undefined) {
    reads = ` · ${exactNumber(state.reads_month)} / ${exactNumber(state.reads_cap)} reads this month`;
  }
  return { words: `${label} · ${words}${reads}`, detail: parts.filter(Boolean).join(" · ") };
}

export class SourceStrip {
  constructor(private readonly root: HTMLElement) {}

  render(sources: readonly SourceInfo[]): void {
    this.root.hidden = sources.length === 0;
    const items = sources.map((source) => {
      const { words, detail } = describeSource(source);
      const item = el("li", "src", words);
      item.dataset.sourceId = String(source.id);
      item.dataset.status = source.state?.status ?? source.status;
      if (detail) item.title = detail;
      if (source.state?.status === "refused" && detail) {
        item.append(el("span", "src-detail", ` — ${detail}`));
      }
      return item;
    });
    this.root.replaceChildren(...items);
  }
}
