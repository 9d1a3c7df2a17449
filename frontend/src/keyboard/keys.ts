// The desk's keys: j / k to move, / to search, space to pause, Escape to step back out
// (of the search box or any filter, to the feed; or of the selected mention).

import { isTypingTarget } from "../lib/dom";

export type Command =
  | "next"
  | "previous"
  | "search"
  | "toggle-pause"
  | "leave-filters"
  | "deselect";

export interface KeyLike {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  target: EventTarget | null;
}

/** The command a key press means on the feed page, or null to leave it to the browser. */
export function commandFor(event: KeyLike, filters: Element, feed: Element): Command | null {
  if (event.altKey || event.ctrlKey || event.metaKey) return null;
  const inFilters = event.target instanceof Node && filters.contains(event.target);
  if (inFilters && event.key === "Escape") return "leave-filters";
  if (isTypingTarget(event.target)) return null;
  const inFeed = event.target instanceof Node && feed.contains(event.target);
  switch (event.key) {
    case "j":
      return "next";
    case "k":
      return "previous";
    case "ArrowDown":
      return inFeed ? "next" : null;
    case "ArrowUp":
      return inFeed ? "previous" : null;
    case "/":
      return "search";
    case " ":
      return "toggle-pause";
    case "Escape":
      return "deselect";
    default:
      return null;
  }
}

export function bindKeys(
  filters: Element,
  feed: Element,
  run: (command: Command) => void,
): void {
  document.addEventListener("keydown", (event) => {
    const command = commandFor(event, filters, feed);
    if (!command) return;
    // Otherwise "/" lands in the search box, space scrolls the page, j types nowhere.
    event.preventDefault();
    run(command);
  });
}
