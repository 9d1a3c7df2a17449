// The wall clock and, once the event is on air, the show clock beside it (T+00:42:17), in
// the browser's time zone. The same state may be drawn in several places (the header and
// the show column).

import { formatClock } from "../lib/time";
import { NOT_ON_AIR, type OnAir, showClockReading } from "../show/clock";

export interface ShowClockElements {
  wall: HTMLElement;
  /** Hidden until the event goes on air. */
  show: HTMLElement;
  /** Shown only until then: how the clock starts. */
  idle?: HTMLElement;
}

export class ShowClockView {
  private onAir: OnAir = NOT_ON_AIR;

  constructor(private readonly places: readonly ShowClockElements[]) {}

  get state(): OnAir {
    return this.onAir;
  }

  set(onAir: OnAir, now: number): void {
    this.onAir = onAir;
    this.tick(now);
  }

  tick(now: number): void {
    const wall = formatClock(new Date(now));
    const show = showClockReading(this.onAir, now);
    const offAir = this.onAir.offAirAt !== null && show !== null;
    for (const place of this.places) {
      if (place.wall.textContent !== wall) place.wall.textContent = wall;
      place.show.hidden = show === null;
      if (place.idle) place.idle.hidden = show !== null;
      if (show !== null && place.show.textContent !== show) place.show.textContent = show;
      place.show.classList.toggle("is-off-air", offAir);
      place.show.title = offAir
        ? "Off air: the show clock stopped"
        : "The show clock: on air since T+0";
    }
  }
}
