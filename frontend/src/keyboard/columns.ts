// The desk's columns: which there are, the key that reaches each (1, 2, 3), and how many
// fit side by side in a width. The CSS draws the same breakpoints (desk/columns.css).

export const COLUMNS = ["feed", "claims", "show"] as const;
export type Column = (typeof COLUMNS)[number];

/** Side by side: three from this width, two (claims over the show) from the next, else one. */
export const THREE_COLUMNS_MIN_WIDTH = 1200;
export const TWO_COLUMNS_MIN_WIDTH = 800;

export function columnsSideBySide(width: number): 1 | 2 | 3 {
  if (width >= THREE_COLUMNS_MIN_WIDTH) return 3;
  return width >= TWO_COLUMNS_MIN_WIDTH ? 2 : 1;
}

export interface ColumnKey {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

/** `1`, `2`, `3` (plain, not alt: alt+digit is the composer's saved replies) → the column. */
export function columnForKey(event: ColumnKey): Column | null {
  if (event.altKey || event.ctrlKey || event.metaKey) return null;
  const index = ["1", "2", "3"].indexOf(event.key);
  return index < 0 ? null : (COLUMNS[index] ?? null);
}
