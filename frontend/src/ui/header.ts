// The event's header: its name, hashtags and status (kept current from `event.updated`),
// the connection state, and the mention rate with its last minute drawn as a sparkline.

import { el } from "../lib/dom";
import type { ConnectionState } from "../stream/client";
import { exactNumber } from "./format";

export interface EventFields {
  name?: unknown;
  hashtags?: unknown;
  status?: unknown;
}

/** Hashtags compared as the highlighter sees them: lower-case, no '#'. */
export const trackedTags = (tags: readonly string[]): Set<string> =>
  new Set(tags.map((tag) => tag.replace(/^#/u, "").toLowerCase()));

export class EventHeader {
  constructor(
    private readonly name: HTMLElement,
    private readonly hashtags: HTMLElement,
    private readonly status: HTMLElement,
  ) {}

  /** Answers the event's hashtags when they changed. */
  update(fields: EventFields): Set<string> | null {
    if (typeof fields.name === "string" && fields.name) {
      this.name.textContent = fields.name;
      document.title = `${fields.name} · Cuedesk`;
    }
    if (typeof fields.status === "string" && fields.status) {
      this.status.textContent = fields.status;
      this.status.className = `status status-${fields.status}`;
    }
    if (!Array.isArray(fields.hashtags)) return null;
    const tags = fields.hashtags.filter((tag): tag is string => typeof tag === "string");
    this.hashtags.replaceChildren(...tags.map((tag) => el("li", undefined, `#${tag}`)));
    return trackedTags(tags);
  }
}

const STATE_WORDS: Record<ConnectionState["kind"], string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  offline: "Offline",
};

export class ConnectionIndicator {
  private state: ConnectionState = { kind: "connecting" };

  constructor(
    private readonly root: HTMLElement,
    private readonly text: HTMLElement,
    private readonly detail: HTMLElement,
  ) {}

  show(state: ConnectionState): void {
    this.state = state;
    this.render(Date.now());
  }

  /** Called every second, for the countdown. */
  render(now: number): void {
    const state = this.state;
    this.root.dataset.state = state.kind;
    let words = STATE_WORDS[state.kind];
    let detail = "";
    if (state.kind === "reconnecting") {
      if (state.retryAt !== null && state.retryAt > now) {
        words = `Reconnecting in ${Math.max(1, Math.ceil((state.retryAt - now) / 1000))} s`;
      }
      detail = state.reason;
    } else if (state.kind === "offline") {
      detail = state.reason;
    }
    if (this.text.textContent !== words) this.text.textContent = words;
    if (this.detail.textContent !== detail) this.detail.textContent = detail;
  }
}

const SVG = "http://www.w3.org/2000/svg";
const BAR_WIDTH = 3;
const SPARK_HEIGHT = 22;

export class RateDisplay {
  private bars: SVGRectElement[] = [];

  constructor(
    private readonly value: HTMLElement,
    spark: SVGSVGElement,
    slots = 60,
  ) {
    spark.setAttribute("viewBox", `0 0 ${slots * BAR_WIDTH} ${SPARK_HEIGHT}`);
    spark.setAttribute("preserveAspectRatio", "none");
    for (let i = 0; i < slots; i += 1) {
      const bar = document.createElementNS(SVG, "rect");
      bar.setAttribute("x", String(i * BAR_WIDTH));
      bar.setAttribute("width", String(BAR_WIDTH - 1));
      bar.setAttribute("y", String(SPARK_HEIGHT));
      bar.setAttribute("height", "0");
      spark.append(bar);
      this.bars.push(bar);
    }
  }

  show(perMinute: number, perSecond: readonly number[]): void {
    this.value.textContent = exactNumber(perMinute);
    // A floor on the scale keeps a quiet minute looking quiet, not like a spike.
    const top = Math.max(5, ...perSecond);
    this.bars.forEach((bar, i) => {
      const height = Math.round(((perSecond[i] ?? 0) / top) * (SPARK_HEIGHT - 2));
      bar.setAttribute("y", String(SPARK_HEIGHT - height));
      bar.setAttribute("height", String(height));
    });
  }
}
