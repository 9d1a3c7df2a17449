// The spike alert's sound: a short two-tone chime made with Web Audio (no file to load), and
// the operator's mute, remembered in this browser.

const MUTE_KEY = "cuedesk.numbers.muted";

function storedMute(): boolean {
  try {
    return window.localStorage.getItem(MUTE_KEY) === "1";
  } catch {
    return false;
  }
}

export class AlertSound {
  private context: AudioContext | null = null;
  private mutedNow = storedMute();

  get muted(): boolean {
    return this.mutedNow;
  }

  set muted(value: boolean) {
    this.mutedNow = value;
    try {
      window.localStorage.setItem(MUTE_KEY, value ? "1" : "0");
    } catch {
      // A browser that keeps nothing (private mode): the mute lasts for this page only.
    }
  }

  /** Browsers let a page play sound only after a gesture: each click on the page unlocks it. */
  unlock(): void {
    if (this.mutedNow) return;
    this.context ??= new AudioContext();
    void this.context.resume();
  }

  play(): void {
    if (this.mutedNow || !this.context) return;
    const context = this.context;
    const start = context.currentTime;
    for (const [offset, frequency] of [
      [0, 880],
      [0.18, 1320],
    ] as const) {
      const tone = context.createOscillator();
      const gain = context.createGain();
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.2, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.16);
      tone.connect(gain).connect(context.destination);
      tone.start(start + offset);
      tone.stop(start + offset + 0.18);
    }
  }
}
