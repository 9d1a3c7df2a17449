// The after-show report page (server-rendered by app/console/router.py): its one script draws
// the volume chart with uPlot, with the cues fired and the peaks marked, and prints.

import "../ui/report.css";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { showClock } from "../numbers/format";
import { startShell } from "../lib/shell";

interface ReportChart {
  /** [minute start ms, mentions] */
  volume: [number, number][];
  on_air_at: number | null;
  peaks: number[];
  cues: { title: string; at: number }[];
}

const WIDTH = 720; // fits an A4 or Letter page's width, on screen and in print
const HEIGHT = 220;

function markers(chart: ReportChart, x: (ms: number) => number): uPlot.Plugin {
  return {
    hooks: {
      draw: (u: uPlot) => {
        const ctx = u.ctx;
        const top = u.bbox.top;
        const bottom = u.bbox.top + u.bbox.height;
        ctx.save();
        ctx.font = `${Math.round(10 * devicePixelRatio)}px sans-serif`;
        for (const cue of chart.cues) {
          const left = u.valToPos(x(cue.at), "x", true);
          ctx.strokeStyle = "#b26a00";
          ctx.setLineDash([4, 3]);
          ctx.beginPath();
          ctx.moveTo(left, top);
          ctx.lineTo(left, bottom);
          ctx.stroke();
          ctx.fillStyle = "#b26a00";
          ctx.fillText(cue.title, left + 3, top + 12 * devicePixelRatio);
        }
        ctx.setLineDash([]);
        ctx.fillStyle = "#c62828";
        for (const peak of chart.peaks) {
          const value = chart.volume.find(([minute]) => minute === peak)?.[1] ?? 0;
          ctx.beginPath();
          ctx.arc(u.valToPos(x(peak), "x", true), u.valToPos(value, "y", true), 4 * devicePixelRatio, 0, 2 * Math.PI);
          ctx.fill();
        }
        ctx.restore();
      },
    },
  };
}

function draw(host: HTMLElement, chart: ReportChart): void {
  const onAir = chart.on_air_at;
  const x = (ms: number): number => (onAir === null ? ms / 1000 : (ms - onAir) / 1000);
  const data: uPlot.AlignedData = [chart.volume.map(([minute]) => x(minute)), chart.volume.map(([, n]) => n)];
  new uPlot(
    {
      width: Math.min(WIDTH, host.clientWidth || WIDTH),
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: onAir === null } },
      axes: [
        onAir === null ? {} : { values: (_u: uPlot, splits: number[]) => splits.map((s) => showClock(s)) },
        { size: 50 },
      ],
      series: [{}, { stroke: "#1f5fa8", fill: "rgba(31,95,168,0.15)", width: 1.5, points: { show: false } }],
      plugins: [markers(chart, x)],
    },
    data,
    host,
  );
  host.dataset.drawn = "true";
}

const host = document.getElementById("report-volume");
const source = document.getElementById("report-data");
if (host && source?.textContent) draw(host, JSON.parse(source.textContent) as ReportChart);
document.getElementById("report-print")?.addEventListener("click", () => window.print());
startShell();
