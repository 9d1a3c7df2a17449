// The feed's pause on screen: what holds it (the operator's pause, the pointer over the list,
// a selected mention), the Pause button, the frame that says the list is frozen and the
// "N new" pill that resumes it.

import { type Hold, PauseState } from "../feed/pause";

export interface PauseElements {
  feedWrap: HTMLElement;
  pauseButton: HTMLButtonElement;
  newButton: HTMLButtonElement;
  newCount: HTMLElement;
}

export class PauseControl {
  private readonly state = new PauseState();
  /** Set by an explicit resume under the pointer; cleared when the pointer leaves the list. */
  private hoverWaived = false;
  private shownCount = -1;
  /** Off in Queue mode, which follows every change: no pause, no "N new". */
  private active = true;

  /** `moved`: the list moves again and must catch up with what it held back. */
  constructor(
    private readonly ui: PauseElements,
    private readonly moved: () => void,
  ) {
    ui.feedWrap.addEventListener("mouseenter", () => {
      if (!this.hoverWaived) this.hold("hover");
    });
    ui.feedWrap.addEventListener("mouseleave", () => {
      this.hoverWaived = false;
      this.release("hover");
    });
    ui.pauseButton.addEventListener("click", () => this.toggle());
    ui.newButton.addEventListener("click", () => this.resume());
  }

  /** Queue mode switches the pause off; back in Live mode it starts unpaused. */
  setActive(active: boolean): void {
    this.active = active;
    this.state.resume();
    this.show();
  }

  toggle(): void {
    if (!this.active) return;
    if (this.state.paused) this.resume();
    else this.hold("user");
  }

  resume(): void {
    // Asked to move while the pointer rests on the list: it must not freeze again at once.
    if (this.state.isHeldBy("hover")) this.hoverWaived = true;
    if (this.state.resume()) this.moved();
    this.show();
  }

  hold(reason: Hold): void {
    this.state.hold(reason);
    this.show();
  }

  release(reason: Hold): void {
    if (this.state.release(reason)) this.moved();
    this.show();
  }

  /** Counts what arrived; answers whether the pause held it back. */
  arrived(count: number): boolean {
    if (!this.state.arrived(count)) return false;
    this.show();
    return true;
  }

  /** A reload replaces what a paused list was frozen on; show the state it brought. */
  reloaded(): void {
    this.state.resume();
    this.show();
  }

  private show(): void {
    const { pauseButton, newButton, newCount, feedWrap } = this.ui;
    const paused = this.active && this.state.paused;
    pauseButton.disabled = !this.active;
    pauseButton.title = this.active ? "" : "The queue follows every change; pause the Live list";
    pauseButton.setAttribute("aria-pressed", String(this.state.isHeldBy("user")));
    pauseButton.textContent = paused ? "Resume" : "Pause";
    feedWrap.classList.toggle("is-paused", paused);
    newButton.hidden = !paused;
    const count = this.state.newCount;
    if (count !== this.shownCount) {
      this.shownCount = count;
      newCount.textContent = count ? `${count.toLocaleString("en")} new` : "Paused";
    }
  }
}
