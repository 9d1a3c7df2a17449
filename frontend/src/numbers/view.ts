// The live numbers panel: mount it in any element, feed it the journal entries the page
// receives, and it keeps the volume chart, the spike alert, the backlog and the answer
// times current (docs/numbers.md). The numbers themselves are computed by core.ts.

import "./numbers.css";
import { exchange, getJSON } from "../lib/api";
import type { JournalEntry } from "../stream/protocol";
import { VolumeChart } from "./chart";
import { type NumbersReading, type NumbersSnapshot, NumbersCore } from "./core";
import { duration, showClock } from "./format";
import { AlertSound } from "./sound";

const TICK_MS = 1_000;
// Before on air the chart shows the last two hours; after, the whole show from on air.
const PRE_AIR_SPAN_MS = 2 * 3600_000;

interface JournalPage {
  entries: JournalEntry[];
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text = "",
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text) node.textContent = text;
  return node;
}

export class NumbersPanel {
  readonly root = element("section", "numbers");
  private readonly core = new NumbersCore();
  private readonly sound = new AlertSound();
  private readonly chart: VolumeChart;
  private readonly clock = element("span", "numbers-clock");
  private readonly alert = element("p", "numbers-alert");
  private readonly mute = element("button", "btn btn-quiet numbers-mute");
  private readonly stats = element("dl", "numbers-stats");
  private readonly operators = element("table", "numbers-operators");
  private readonly base: string;
  /** Local clock minus the server's. */
  private offsetMs = 0;
  private loaded = false;
  private loading = false;
  private pending: JournalEntry[] = [];
  private snapshots = 0;

  constructor(host: HTMLElement, eventId: number) {
    this.base = `/api/events/${eventId}`;
    this.root.setAttribute("aria-label", "Live numbers");
    const head = element("div", "numbers-head");
    head.append(element("h2", "side-title", "Numbers"), this.clock, this.mute);
    this.alert.setAttribute("role", "alert");
    this.alert.hidden = true;
    const chartHost = element("div", "numbers-chart");
    chartHost.setAttribute("aria-label", "Mentions a minute");
    this.root.append(head, this.alert, chartHost, this.stats, this.operators);
    host.prepend(this.root);
    this.chart = new VolumeChart(chartHost);
    this.mute.type = "button";
    this.mute.addEventListener("click", () => this.toggleMute());
    this.showMute();
    // Operators mostly type: a key unlocks the sound as a click does.
    for (const gesture of ["pointerdown", "keydown"]) {
      document.addEventListener(gesture, () => this.sound.unlock(), { passive: true });
    }
    setInterval(() => this.render(), TICK_MS);
  }

  async start(): Promise<void> {
    await this.loadSnapshot();
  }

  /** Every journal entry the page receives, in order. */
  entries(entries: readonly JournalEntry[]): void {
    this.pending.push(...entries);
    if (this.loaded && !this.loading) void this.drain();
  }

  /** The page reloaded its state (a reset): so do the numbers. The page's first load is not
   * one: the panel read its own snapshot. */
  resync(): void {
    this.snapshots += 1;
    if (this.snapshots > 1) void this.loadSnapshot();
  }

  private async loadSnapshot(): Promise<void> {
    this.loading = true;
    try {
      for (let attempt = 0; ; attempt += 1) {
        try {
          const answer = await exchange<NumbersSnapshot>("GET", `${this.base}/numbers`);
          if (answer.serverTime !== null) this.offsetMs = Date.now() - answer.serverTime;
          this.core.load(answer.data, this.now());
          this.pending = this.pending.filter((entry) => entry.seq > answer.data.as_of_seq);
          this.loaded = true;
          break;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1_000 * 2 ** attempt)));
        }
      }
    } finally {
      this.loading = false;
    }
    await this.drain();
    this.render();
  }

  /** Applies what arrived; a gap between the snapshot and the stream is read from the journal. */
  private async drain(): Promise<void> {
    this.loading = true;
    try {
      while (this.pending.length) {
        const first = this.pending[0]?.seq ?? 0;
        if (first > this.core.lastSeq + 1) {
          const page = await getJSON<JournalPage>(
            `${this.base}/journal?after_seq=${this.core.lastSeq}&limit=5000`,
          );
          const gap = page.entries.filter((entry) => entry.seq < first);
          if (!gap.length) break; // the journal has nothing older: take what we have
          this.core.apply(gap);
          continue;
        }
        const batch = this.pending;
        this.pending = [];
        this.core.apply(batch);
      }
    } catch {
      // The stream's own recovery will bring a reset or the entries again.
    } finally {
      this.loading = false;
    }
    if (this.pending.length && this.pending[0] && this.pending[0].seq > this.core.lastSeq + 1) {
      this.core.apply(this.pending);
      this.pending = [];
    }
    if (this.core.needsSnapshot) void this.loadSnapshot();
  }

  private now(): number {
    return Date.now() - this.offsetMs;
  }

  private toggleMute(): void {
    this.sound.muted = !this.sound.muted;
    if (!this.sound.muted) this.sound.unlock();
    this.showMute();
  }

  private showMute(): void {
    const muted = this.sound.muted;
    this.mute.textContent = muted ? "Sound off" : "Sound on";
    this.mute.setAttribute("aria-pressed", String(muted));
    this.mute.title = muted ? "Spike alerts are silent: click to hear them" : "Mute spike alerts";
  }

  private render(): void {
    if (!this.loaded) return;
    const now = this.now();
    const reading = this.core.read(now);
    const onAir = this.core.onAirAt;
    this.clock.textContent = onAir === null ? "Not on air" : showClock((now - onAir) / 1000);
    const from = onAir ?? now - PRE_AIR_SPAN_MS;
    const { minutes, counts } = this.core.volume.range(Math.min(from, this.core.volume.first ?? from), now);
    this.chart.draw({ minutes, counts, onAirAt: onAir });
    this.root.dataset.points = String(this.chart.points);
    this.root.dataset.mentions = String(counts.reduce((sum, n) => sum + n, 0));
    this.showAlert(reading);
    this.showStats(reading);
    this.showOperators(reading);
  }

  private showAlert(reading: NumbersReading): void {
    if (reading.newSpike) this.sound.play();
    this.alert.hidden = !reading.alerting;
    this.root.classList.toggle("is-spiking", reading.alerting);
    // Counts seeded from a snapshot's minutes are spread over their seconds: fractional.
    const lastMinute = Math.round(reading.spike.lastMinute);
    const baseline = Math.round(reading.spike.baseline);
    const times = baseline > 0 ? `${(lastMinute / baseline).toFixed(1)}× ` : "";
    this.alert.textContent = `Spike: ${lastMinute} mentions in the last minute, ${times}the last ten minutes' ${baseline}/min.`;
  }

  private showStats(reading: NumbersReading): void {
    const rows: [string, string, string][] = [
      ["Last minute", String(Math.round(reading.spike.lastMinute)), "last-minute"],
      ["Waiting", String(reading.waiting), "waiting"],
      ["Unclaimed", String(reading.unclaimed), "unclaimed"],
      ["Oldest waiting", duration(reading.oldestWaitSeconds), "oldest"],
      ["First answer, median", duration(reading.answers.median), "median"],
      ["First answer, p90", duration(reading.answers.p90), "p90"],
      ["Replies", String(reading.answers.replies), "replies"],
    ];
    this.stats.replaceChildren(
      ...rows.flatMap(([label, value, key]) => {
        const dt = element("dt", "", label);
        const dd = element("dd", "", value);
        dd.dataset.stat = key;
        return [dt, dd];
      }),
    );
  }

  private showOperators(reading: NumbersReading): void {
    const head = element("tr", "");
    for (const title of ["Operator", "Replies", "Median", "p90"]) head.append(element("th", "", title));
    const rows = reading.operators.map((operator) => {
      const row = element("tr", "");
      row.append(
        element("td", "", operator.operator),
        element("td", "", String(operator.replies)),
        element("td", "", duration(operator.median)),
        element("td", "", duration(operator.p90)),
      );
      return row;
    });
    this.operators.hidden = rows.length === 0;
    this.operators.replaceChildren(head, ...rows);
  }
}

/** Mounts the panel at the top of `host` and starts it. */
export function mountNumbers(host: HTMLElement, eventId: number): NumbersPanel {
  const panel = new NumbersPanel(host, eventId);
  void panel.start();
  return panel;
}
