// Numbers as a busy desk reads them at a glance.

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
const exact = new Intl.NumberFormat("en");

/** 950 → "950", 12_345 → "12.3K", 3_400_000 → "3.4M". */
export function compactNumber(value: number): string {
  return compact.format(Number.isFinite(value) ? value : 0);
}

/** 12345 → "12,345". */
export function exactNumber(value: number): string {
  return exact.format(Number.isFinite(value) ? value : 0);
}

/** A stable hue (0–359) for a name, so a person keeps their colour across the desk. */
export function hueOf(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) % 360;
  return hash;
}
