// The setup forms' values, data only: times typed in the browser's zone sent with their
// offset (the API refuses a time without one), lists typed as text, and what changed.

const two = (value: number): string => String(Math.trunc(value)).padStart(2, "0");

/** An API time → the value of an `<input type="datetime-local">`, in the browser's zone. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return (
    `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}` +
    `T${two(date.getHours())}:${two(date.getMinutes())}`
  );
}

/** "+01:00" for a zone one hour east of UTC at that moment (summer time included). */
export function offsetOf(date: Date): string {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? "-" : "+";
  return `${sign}${two(Math.abs(minutes) / 60)}:${two(Math.abs(minutes) % 60)}`;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/u;

/**
 * A datetime-local value → an API time with the browser's offset at that moment
 * ("2026-02-08T20:00:00+01:00"); "" → null. A value the input cannot give is an error.
 */
export function fromLocalInput(value: string): string | null {
  if (!value.trim()) return null;
  const match = LOCAL.exec(value.trim());
  if (!match) throw new Error(`"${value}" is not a date and time.`);
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const date = new Date(y ?? 0, (mo ?? 1) - 1, d, h, mi, s || 0);
  const day = `${match[1]}-${match[2]}-${match[3]}`;
  return `${day}T${match[4]}:${match[5]}:${two(s || 0)}${offsetOf(date)}`;
}

/** "#CupFinal, final\nsilva" → ["CupFinal", "final", "silva"]: commas, spaces or lines. */
export function parseList(text: string, { stripHash = false } = {}): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(/[\s,]+/u)) {
    const value = stripHash ? raw.replace(/^#+/u, "") : raw;
    if (value && !seen.has(value.toLowerCase())) {
      seen.add(value.toLowerCase());
      out.push(value);
    }
  }
  return out;
}

/** Keywords may hold spaces ("penalty kick"): one per line or comma. */
export function parseLines(text: string): string[] {
  return [...new Set(text.split(/[\n,]+/u).map((line) => line.trim()).filter(Boolean))];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Only what differs from `original`: the API changes only the fields sent. */
export function changedFields<T extends Record<string, unknown>>(
  original: Partial<T>,
  wanted: T,
): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(wanted) as (keyof T)[]) {
    const before = original[key];
    const after = wanted[key];
    if (after === undefined) continue;
    // Times compare as instants: "…Z" from the API and "…+01:00" from the form may agree.
    if (typeof before === "string" && typeof after === "string") {
      const a = Date.parse(before);
      const b = Date.parse(after);
      if (!Number.isNaN(a) && !Number.isNaN(b) && /T\d/u.test(before) && a === b) continue;
    }
    if (!same(before ?? null, after)) out[key] = after;
  }
  return out;
}

export interface VipLine {
  handle: string;
  network: string | null;
}

const VIP_NETWORK = /^(x|mastodon|bluesky):\s*(.+)$/iu;

/** "x:@ana" is Ana on X only; "@ana" is Ana on every network. One per line. */
export function parseVips(text: string): VipLine[] {
  return parseLines(text.replace(/,/gu, "\n")).map((line) => {
    const match = VIP_NETWORK.exec(line);
    return match
      ? { handle: (match[2] ?? "").trim(), network: (match[1] ?? "").toLowerCase() }
      : { handle: line, network: null };
  });
}

export function formatVips(vips: readonly VipLine[]): string {
  return vips
    .map((vip) => (vip.network ? `${vip.network}:@${vip.handle}` : `@${vip.handle}`))
    .join("\n");
}
