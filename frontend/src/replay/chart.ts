// The volume chart over the whole evening (uPlot): mentions a minute, the markers (cues
// fired, posts published, spikes, bookmarks) as lines, the instant shown as a cursor line.
// A click on the chart asks for that instant. The show clock is the x axis's labels.

import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { showClock, type Timeline } from "./timeline";

export interface ChartMark {
  time: number;
  kind: "cue" | "post" | "spike" | "bookmark";
}

const MARK_COLOURS: Record<ChartMark["kind"], string> = {
  cue: "#e0b84f",
  post: "#5fb6f0",
  spike: "#f06a5f",
  bookmark: "#b48cf0",
};

export class VolumeChart {
  private readonly plot: uPlot;
  private instant = 0;

  constructor(
    host: HTMLElement,
    timeline: Timeline,
    private readonly marks: readonly ChartMark[],
    onAirMs: number | null,
    onPick: (time: number) => void,
  ) {
    const xs = timeline.starts.map((ms) => ms / 1000);
    const ys = timeline.minutes.mentions;
    const options: uPlot.Options = {
      width: Math.max(host.clientWidth, 320),
      height: 160,
      legend: { show: false },
      cursor: { y: false, drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [
        {
          stroke: "#9aa4b2",
          grid: { stroke: "#2a3140" },
          // Room for "T+01:30" under each tick, without the seconds the axis cannot show.
          space: 90,
          values: (_u, ticks) => ticks.map((t) => showClock(t * 1000, onAirMs, false)),
        },
        { stroke: "#9aa4b2", grid: { stroke: "#2a3140" }, size: 50 },
      ],
      series: [
        {},
        { label: "Mentions a minute", stroke: "#4fd18b", fill: "rgba(79,209,139,0.18)", width: 1.5 },
      ],
      hooks: { draw: [(u) => this.drawMarks(u)] },
    };
    this.plot = new uPlot(options, [xs, ys], host);
    this.plot.over.addEventListener("click", (event) => {
      const left = event.clientX - this.plot.over.getBoundingClientRect().left;
      onPick(this.plot.posToVal(left, "x") * 1000);
    });
    new ResizeObserver(() => {
      this.plot.setSize({ width: Math.max(host.clientWidth, 320), height: 160 });
    }).observe(host);
  }

  /** The instant shown, as a cursor line (redrawn at most once a frame by the page). */
  show(time: number): void {
    if (time === this.instant) return;
    this.instant = time;
    this.plot.redraw(false, false);
  }

  private drawMarks(u: uPlot): void {
    const { ctx } = u;
    const top = u.bbox.top;
    const bottom = u.bbox.top + u.bbox.height;
    ctx.save();
    ctx.lineWidth = Math.max(1, devicePixelRatio);
    for (const mark of this.marks) this.line(u, mark.time, MARK_COLOURS[mark.kind], top, bottom);
    ctx.lineWidth = 2 * Math.max(1, devicePixelRatio);
    this.line(u, this.instant, "#ffffff", top, bottom);
    ctx.restore();
  }

  private line(u: uPlot, time: number, colour: string, top: number, bottom: number): void {
    const x = u.valToPos(time / 1000, "x", true);
    if (!Number.isFinite(x)) return;
    u.ctx.strokeStyle = colour;
    u.ctx.beginPath();
    u.ctx.moveTo(x, top);
    u.ctx.lineTo(x, bottom);
    u.ctx.stroke();
  }
}
