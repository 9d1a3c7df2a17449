// The list on screen: newest on top, never more than `limit` rows, one selected row.
// Arrivals are prepended in one fragment and the oldest rows dropped, so a frame costs the
// same however long the night has been; a full rebuild reuses the rows it already has.
// Triage changes a row in place (refresh), never by drawing it again.

import { heirOf } from "../feed/queue";
import type { Mention } from "../feed/types";
import { renderMention, showViewers } from "./mention-view";
import { type RowViewer, showTriage, showTyping } from "./triage-row";

// Rows in one frame up to which each gets the arrival glow (about 180 a second at 60 fps).
const GLOW_BATCH = 3;

export interface FeedViewOptions {
  /** The operator's username: their own claims read "You hold this". */
  me?: string;
  /** A producer or admin: may retry anyone's failed reply (others only their own). */
  retriesAny?: boolean;
  /** A failed reply's Retry button was pressed. */
  onRetry?: (replyId: number) => void;
  /** A failed reply's Edit button was pressed: its mention, with the reply. */
  onEditReply?: (mention: Mention) => void;
  /** A tag chip's × was pressed. */
  onUntag?: (mentionId: number, tag: string) => void;
}

export class FeedView {
  /** Newest first, as on screen. */
  private shown: Mention[] = [];
  private nodes = new Map<number, HTMLElement>();
  private selectedId: number | null = null;
  private viewers = new Map<number, string[]>();
  private typing = new Map<number, string[]>();
  /** The mention each row was drawn from: a reload brings new objects for the same ids. */
  private drawn = new WeakMap<HTMLElement, Mention>();
  private readonly viewer: RowViewer;

  constructor(
    private readonly list: HTMLElement,
    readonly limit: number,
    private readonly onSelect: (mention: Mention | null) => void,
    private readonly options: FeedViewOptions = {},
  ) {
    this.viewer = { me: options.me ?? "", retriesAny: options.retriesAny ?? false };
    list.addEventListener("click", (event) => {
      if (!(event.target instanceof Element)) return;
      const retry = event.target.closest<HTMLElement>("button[data-retry]");
      if (retry) {
        this.options.onRetry?.(Number(retry.dataset.retry));
        return;
      }
      const edit = event.target.closest<HTMLElement>("button[data-edit-reply]");
      const edited = edit?.closest<HTMLElement>(".mention");
      if (edit && edited) {
        const mention = this.drawn.get(edited);
        if (mention) this.options.onEditReply?.(mention);
        return;
      }
      const untag = event.target.closest<HTMLElement>("button[data-untag]");
      const tagged = untag?.closest<HTMLElement>(".mention");
      if (untag && tagged) {
        this.options.onUntag?.(Number(tagged.dataset.id), untag.dataset.untag ?? "");
        return;
      }
      if (event.target.closest("a, button")) return;
      const row = event.target.closest<HTMLElement>(".mention");
      if (row) this.select(Number(row.dataset.id), false);
    });
  }

  get topSeq(): number {
    return this.shown[0]?.seq ?? 0;
  }

  get size(): number {
    return this.shown.length;
  }

  get selected(): Mention | null {
    return this.shown.find((mention) => mention.id === this.selectedId) ?? null;
  }

  /** `mentions` ascending by seq, all newer than the top row. */
  prepend(mentions: readonly Mention[], tracked: ReadonlySet<string>): void {
    if (!mentions.length) return;
    const fresh = mentions.slice(-this.limit).reverse();
    const glow = fresh.length <= GLOW_BATCH;
    const fragment = document.createDocumentFragment();
    for (const mention of fresh) {
      const node = this.nodeFor(mention, tracked);
      node.classList.toggle("arriving", glow);
      fragment.append(node);
    }
    this.list.prepend(fragment);
    this.shown = fresh.concat(this.shown);
    for (const dropped of this.shown.splice(this.limit)) {
      this.nodes.get(dropped.id)?.remove();
      this.nodes.delete(dropped.id);
    }
    this.afterChange();
  }

  /**
   * Show exactly `mentions` in this order, keeping the rows that stay and moving only those
   * out of place (a row leaving or entering the queue is one DOM change, not 300). With
   * `inherit`, a selected mention that leaves hands the selection to the row taking its
   * place (feed/queue.ts `heirOf`) instead of clearing it.
   */
  replace(mentions: readonly Mention[], tracked: ReadonlySet<string>, inherit = false): void {
    const next = mentions.slice(0, this.limit);
    const keep = new Set(next.map((mention) => mention.id));
    const heir = inherit
      ? heirOf(
          this.shown.map((mention) => mention.id),
          next.map((mention) => mention.id),
          this.selectedId,
        )
      : null;
    for (const [id, node] of this.nodes) {
      if (!keep.has(id)) {
        node.remove();
        this.nodes.delete(id);
      }
    }
    let at = this.list.firstChild;
    for (const mention of next) {
      const node = this.nodeFor(mention, tracked);
      if (node === at) at = at.nextSibling;
      else this.list.insertBefore(node, at);
    }
    while (at) {
      const stray = at;
      at = at.nextSibling;
      stray.remove();
    }
    this.shown = next;
    if (heir !== null && heir !== this.selectedId) {
      // The row that had the focus is gone: its heir takes it, unless the operator is
      // elsewhere (typing a search must not be interrupted by the queue moving).
      const active = document.activeElement;
      const steal = !active || active === document.body || this.list.contains(active);
      this.select(heir, false, steal);
    }
    this.afterChange();
  }

  /** j (+1, older) and k (-1, newer); the first press picks the top row. */
  move(step: number): void {
    if (!this.shown.length) return;
    const index = this.shown.findIndex((mention) => mention.id === this.selectedId);
    const target =
      index < 0 ? 0 : Math.min(this.shown.length - 1, Math.max(0, index + step));
    const mention = this.shown[target];
    if (mention) this.select(mention.id, true);
  }

  select(id: number | null, scroll: boolean, focus = true): void {
    if (id === this.selectedId) return;
    if (this.selectedId !== null) {
      const previous = this.nodes.get(this.selectedId);
      previous?.classList.remove("is-selected");
      previous?.removeAttribute("aria-current");
    }
    const node = id === null ? undefined : this.nodes.get(id);
    this.selectedId = node ? id : null;
    if (node) {
      node.classList.add("is-selected");
      node.setAttribute("aria-current", "true");
      if (focus) node.focus({ preventScroll: true });
      if (scroll) node.scrollIntoView({ block: "nearest" });
    }
    this.onSelect(this.selected);
  }

  /** Select a mention by id if it is on screen; answers whether it is. */
  selectId(id: number): boolean {
    this.select(id, true);
    return this.selectedId === id;
  }

  /** Mention id → who else has it open (viewers) and who is typing a reply to it. */
  setViewers(viewers: Map<number, string[]>, typing = new Map<number, string[]>()): void {
    const changed = new Set([...this.viewers.keys(), ...viewers.keys()]);
    this.viewers = viewers;
    for (const id of changed) {
      const node = this.nodes.get(id);
      if (node) showViewers(node, viewers.get(id) ?? []);
    }
    const typists = new Set([...this.typing.keys(), ...typing.keys()]);
    this.typing = typing;
    for (const id of typists) {
      const node = this.nodes.get(id);
      if (node) showTyping(node, typing.get(id) ?? []);
    }
  }

  /** These mentions changed (claimed, answered…): bring their rows up to date. */
  refresh(mentions: readonly Mention[]): void {
    for (const mention of mentions) {
      const node = this.nodes.get(mention.id);
      if (!node) continue;
      this.drawn.set(node, mention);
      showTriage(node, mention, this.viewer);
    }
  }

  private nodeFor(mention: Mention, tracked: ReadonlySet<string>): HTMLElement {
    let node = this.nodes.get(mention.id);
    if (!node) {
      node = renderMention(mention, tracked, this.viewer);
      const names = this.viewers.get(mention.id);
      if (names) showViewers(node, names);
      const typists = this.typing.get(mention.id);
      if (typists) showTyping(node, typists);
      this.nodes.set(mention.id, node);
    } else if (this.drawn.get(node) !== mention) {
      showTriage(node, mention, this.viewer);
    }
    this.drawn.set(node, mention);
    return node;
  }

  private afterChange(): void {
    this.list.setAttribute("aria-busy", "false");
    if (this.selectedId !== null && !this.nodes.has(this.selectedId)) {
      this.selectedId = null;
      this.onSelect(null);
    }
  }
}
