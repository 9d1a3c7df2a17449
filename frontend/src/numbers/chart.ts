// The volume chart (uPlot): mentions a minute, over the show clock once the show is on air
// (x in seconds from on air, labelled T+h:mm), over the wall clock before.

import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { showClock } from "./format";

export interface VolumeData {
  /** Minute starts (ms since the epoch), ascending. */
  minutes: number[];
  counts: number[];
  /** On air (ms), or null: the x axis is then the wall clock. */
  onAirAt: number | null;
}

export class VolumeChart {
  private plot: uPlot | null = null;
  private showClockAxis: boolean | null = null;

  constructor(
    private readonly host: HTMLElement,
    private readonly height = 140,
  ) {
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(host);
  }

  /** How many minutes are drawn (browser tests read it). */
  points = 0;

  draw(data: VolumeData): void {
    const onShowClock = data.onAirAt !== null;
    const xs = data.minutes.map((minute) =>
      data.onAirAt !== null ? (minute - data.onAirAt) / 1000 : minute / 1000,
    );
    const aligned: uPlot.AlignedData = [xs, data.counts];
    this.points = xs.length;
    if (!this.plot || this.showClockAxis !== onShowClock) {
      this.plot?.destroy();
      this.plot = new uPlot(this.options(onShowClock), aligned, this.host);
      this.showClockAxis = onShowClock;
      return;
    }
    this.plot.setData(aligned);
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(200, this.host.clientWidth), height: this.height };
  }

  private options(onShowClock: boolean): uPlot.Options {
    const grid = { stroke: "rgba(154,165,180,0.15)", width: 1 };
    const axisColour = "#9aa5b4";
    return {
      ...this.size(),
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: !onShowClock }, y: { range: (_u, _min, max) => [0, Math.max(10, max * 1.1)] } },
      axes: [
        {
          stroke: axisColour,
          grid,
          ...(onShowClock
            ? { values: (_u: uPlot, splits: number[]) => splits.map((s) => showClock(s)) }
            : {}),
        },
        { stroke: axisColour, grid, size: 44 },
      ],
      series: [
        {},
        {
          label: "Mentions a minute",
          stroke: "#5aa8ff",
          fill: "rgba(90,168,255,0.18)",
          width: 2,
          points: { show: false },
        },
      ],
    };
  }
}
