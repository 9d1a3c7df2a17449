// The feed's rows with flood groups: one row per group (feed/groups.ts in Live, feed/queue.ts
// in the queue), opened and closed by click or `e` on the selected row. Hooked into the live
// feed's drawing (app/live-feed.ts) and the queue's (app/queue-mode.ts).

import { type FeedRow, groupOf, groupRows } from "../feed/groups";
import type { MentionStore } from "../feed/store";
import type { Mention } from "../feed/types";
import type { FeedView } from "../ui/feed-view";
import { showFlood } from "../ui/flood-row";

export class FloodRows {
  /** The groups the operator opened, by group (first mention's id). */
  private readonly open = new Set<number>();
  /** The rows last drawn, by group. */
  private rows = new Map<number, FeedRow>();

  constructor(
    private readonly list: HTMLElement,
    private readonly limit: number,
  ) {
    list.addEventListener("click", (event) => {
      const toggle =
        event.target instanceof Element
          ? event.target.closest<HTMLElement>("button[data-group]")
          : null;
      if (toggle) this.toggleGroup(Number(toggle.dataset.group));
    });
  }

  /** The newest rows of `store` that pass `keep`, one a group, into `view`. */
  draw(
    view: FeedView,
    store: MentionStore,
    keep: (mention: Mention) => boolean,
    tracked: ReadonlySet<string>,
  ): void {
    this.show(view, groupRows(store.newest(store.size, keep), this.limit), tracked);
  }

  /**
   * Exactly `rows` into `view` (the Live list's or the queue's), each with its group's badge
   * and list, open where the operator opened it; `inherit` as in `FeedView.replace`.
   */
  show(
    view: FeedView,
    rows: readonly FeedRow[],
    tracked: ReadonlySet<string>,
    inherit = false,
  ): void {
    view.replace(
      rows.map((row) => row.mention),
      tracked,
      inherit,
    );
    this.rows = new Map(rows.map((row) => [groupOf(row.mention), row]));
    const nodes = new Map<string, HTMLElement>();
    for (const node of this.list.querySelectorAll<HTMLElement>(".mention")) {
      nodes.set(node.dataset.id ?? "", node);
    }
    for (const row of rows) {
      const node = nodes.get(String(row.mention.id));
      if (node) showFlood(node, row, this.open.has(groupOf(row.mention)));
    }
  }

  /** `e`: open or close the group of the selected row; answers whether it has one. */
  toggle(mention: Mention | null): boolean {
    if (!mention) return false;
    const row = this.rows.get(groupOf(mention));
    if (!row || row.members.length < 2) return false;
    this.toggleGroup(groupOf(mention));
    return true;
  }

  private toggleGroup(key: number): void {
    if (this.open.has(key)) this.open.delete(key);
    else this.open.add(key);
    const row = this.rows.get(key);
    const node = row
      ? this.list.querySelector<HTMLElement>(`.mention[data-id="${row.mention.id}"]`)
      : null;
    if (node) showFlood(node, row, this.open.has(key));
  }
}
