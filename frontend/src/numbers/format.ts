// How the numbers read: durations as 1:05 or 1:02:05, the show clock as T+1:05:00.

export function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "–";
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const pad = (n: number): string => String(n).padStart(2, "0");
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** A time on the show clock: T+ after on air, T− before it. */
export function showClock(offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? "T−" : "T+";
  const whole = Math.abs(Math.round(offsetSeconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  return `${sign}${h}:${String(m).padStart(2, "0")}`;
}
