// The event's sources as the journal tells them (no DOM): each one's state for the header
// (connected, reconnecting since, rate limited until, credentials refused, items a minute,
// X's reads this month) and the gaps in what they delivered, for the feed's gap markers.
// Entries: source.started / stopped / failed (the source), source.state_changed (its whole
// state), source.gap_opened / source.gap_closed (docs/sources.md).

import type { JournalEntry } from "../stream/protocol";

export interface SourceState {
  status: string;
  since: string | null;
  message: string | null;
  reconnecting_since: string | null;
  rate_limited_until: string | null;
  last_item_at: string | null;
  items_per_minute: number;
  malformed: number;
  reads_month?: number | undefined;
  reads_cap?: number | undefined;
}

export interface SourceInfo {
  id: number;
  kind: string;
  status: string;
  error: string | null;
  state: SourceState | null;
}

export interface Gap {
  sourceId: number;
  network: string;
  fromAt: string;
  toAt: string | null;
  backfilled: boolean | null;
  /** The seq of its source.gap_opened entry: where the marker sits in the feed. */
  seq: number;
}

type Loose = Record<string, unknown>;
const str = (value: unknown): string | null => (typeof value === "string" ? value : null);
const num = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

export function readState(value: unknown): SourceState | null {
  if (!value || typeof value !== "object") return null;
  const data = value as Loose;
  if (typeof data.status !== "string") return null;
  return {
    status: data.status,
    since: str(data.since),
    message: str(data.message),
    reconnecting_since: str(data.reconnecting_since),
    rate_limited_until: str(data.rate_limited_until),
    last_item_at: str(data.last_item_at),
    items_per_minute: num(data.items_per_minute) ?? 0,
    malformed: num(data.malformed) ?? 0,
    reads_month: num(data.reads_month),
    reads_cap: num(data.reads_cap),
  };
}

export function readSource(value: unknown): SourceInfo | null {
  if (!value || typeof value !== "object") return null;
  const data = value as Loose;
  if (typeof data.id !== "number" || typeof data.kind !== "string") return null;
  return {
    id: data.id,
    kind: data.kind,
    status: typeof data.status === "string" ? data.status : "running",
    error: str(data.error),
    state: readState(data.state),
  };
}

export const SOURCE_ENTRY_TYPES: ReadonlySet<string> = new Set([
  "source.started",
  "source.stopped",
  "source.failed",
  "source.state_changed",
  "source.gap_opened",
  "source.gap_closed",
]);

export class SourceBoard {
  private sources = new Map<number, SourceInfo>();
  private gapList: Gap[] = [];

  /** The running sources, oldest first. */
  get running(): SourceInfo[] {
    return [...this.sources.values()].filter((s) => s.status === "running").sort((a, b) => a.id - b.id);
  }

  get gaps(): readonly Gap[] {
    return this.gapList;
  }

  get(id: number): SourceInfo | undefined {
    return this.sources.get(id);
  }

  /** GET …/sources at load: what the entries after it then change. */
  load(sources: readonly unknown[]): void {
    for (const raw of sources) {
      const source = readSource(raw);
      if (source) this.sources.set(source.id, source);
    }
  }

  /** Applies the source entries among `entries`; answers whether anything shown changed. */
  apply(entries: readonly JournalEntry[]): boolean {
    let changed = false;
    for (const entry of entries) {
      if (SOURCE_ENTRY_TYPES.has(entry.type)) changed = this.applyOne(entry) || changed;
    }
    return changed;
  }

  private applyOne(entry: JournalEntry): boolean {
    const data = entry.data;
    switch (entry.type) {
      case "source.started":
      case "source.stopped":
      case "source.failed": {
        const source = readSource(data);
        if (!source) return false;
        source.state = source.state ?? this.sources.get(source.id)?.state ?? null;
        this.sources.set(source.id, source);
        return true;
      }
      case "source.state_changed": {
        const id = num(data.source_id);
        const state = readState(data);
        const source = id === undefined ? undefined : this.sources.get(id);
        if (id === undefined || !state) return false;
        if (source) source.state = state;
        else this.sources.set(id, { id, kind: "?", status: "running", error: null, state });
        return true;
      }
      case "source.gap_opened": {
        const sourceId = num(data.source_id);
        const fromAt = str(data.from_at);
        if (sourceId === undefined || !fromAt) return false;
        if (this.gapList.some((gap) => gap.sourceId === sourceId && gap.fromAt === fromAt)) {
          return false; // a reset replays entries already applied
        }
        const network = str(data.network) ?? "";
        this.gapList.push({ sourceId, network, fromAt, toAt: null, backfilled: null, seq: entry.seq });
        return true;
      }
      case "source.gap_closed": {
        const sourceId = num(data.source_id);
        const fromAt = str(data.from_at);
        const gap = this.gapList.find((g) => g.sourceId === sourceId && g.fromAt === fromAt);
        if (!gap) return false;
        gap.toAt = str(data.to_at);
        gap.backfilled = data.backfilled === true;
        return true;
      }
      default:
        return false;
    }
  }
}
