// The event's sources on the settings page: the list (kind, settings, status, Stop) and
// the simulator's start form, through the sources API (app/ingest/router.py).

import { getJSON, postJSON } from "../lib/api";
import { el } from "../lib/dom";
import { deleteJSON, onSubmit, reasonOf } from "./forms";

export interface SourceRecord {
  id: number;
  kind: string;
  config: Record<string, unknown>;
  status: string;
  error: string | null;
}

const ENDED = new Set(["stopped", "failed"]);

/** "rate 10 · seed 7 · spikes": the settings that matter at a glance. */
export function describeConfig(config: Record<string, unknown>): string {
  return Object.entries(config)
    .filter(([, value]) => value !== null && value !== undefined && value !== false)
    .map(([key, value]) => {
      const name = key.replace(/_/gu, " ");
      return value === true ? name : `${name} ${String(value)}`;
    })
    .join(" · ");
}

export class SourcesView {
  private readonly base: string;

  constructor(
    eventId: number,
    private readonly list: HTMLElement,
    private readonly empty: HTMLElement,
    private readonly errorLine: HTMLElement,
  ) {
    this.base = `/api/events/${eventId}/sources`;
  }

  async load(): Promise<void> {
    this.render(await getJSON<SourceRecord[]>(this.base));
  }

  wireSimulator(form: HTMLFormElement, errorLine: HTMLElement): void {
    onSubmit(form, errorLine, async () => {
      const data = new FormData(form);
      const config: Record<string, unknown> = {
        rate: Number(data.get("rate")),
        show_minutes: Number(data.get("show_minutes")),
        spikes: data.get("spikes") !== null,
        loop: data.get("loop") !== null,
      };
      const seed = String(data.get("seed") ?? "").trim();
      if (seed) config.seed = Number(seed);
      await postJSON<SourceRecord>(this.base, { kind: "simulator", config });
      await this.load();
    });
  }

  private render(sources: readonly SourceRecord[]): void {
    this.empty.hidden = sources.length > 0;
    this.list.replaceChildren(
      ...sources.map((source) => {
        const row = el("tr");
        row.dataset.sourceId = String(source.id);
        const status = el("td", `source-status source-${source.status}`, source.status);
        if (source.error) status.title = source.error;
        const actions = el("td");
        if (!ENDED.has(source.status)) {
          const stop = el("button", "btn", "Stop");
          stop.type = "button";
          stop.addEventListener("click", () => void this.stop(source.id, stop));
          actions.append(stop);
        }
        row.append(
          el("td", undefined, String(source.id)),
          el("td", undefined, source.kind),
          el("td", "muted", describeConfig(source.config)),
          status,
          actions,
        );
        return row;
      }),
    );
  }

  private async stop(id: number, button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    this.errorLine.textContent = "";
    try {
      await deleteJSON(`${this.base}/${id}`);
      await this.load();
    } catch (error) {
      this.errorLine.textContent = reasonOf(error);
      button.disabled = false;
    }
  }
}
