// The desk's keys. On the feed: j / k to move, / to search, space to pause, q to switch
// between the live list and the queue (waiting mentions by priority), e to open or close
// the selected row's flood group (reposts, a chant: docs/floods.md), c to claim the
// selected mention, r to reply to it, n to claim the next waiting one, d to dismiss, f to
// flag it for the producer (or unflag it), t to tag it, shift+N to add a note, shift+C to
// take it over (producers), Escape to step back out (of the search box or any filter, to
// the feed; or of the selected mention, releasing it if it is yours). In the composer:
// ctrl+enter (cmd+enter) sends, Escape releases, alt+1 to alt+9 insert a saved reply. In
// the tag or note box: Enter adds (the form's own submit), Escape closes it.

import { isTypingTarget } from "../lib/dom";

export type Command =
  | "next"
  | "previous"
  | "search"
  | "toggle-pause"
  | "toggle-queue"
  | "leave-filters"
  | "deselect"
  | "toggle-group"
  | "claim"
  | "reply"
  | "claim-next"
  | "dismiss"
  | "flag"
  | "tag"
  | "note"
  | "take-over"
  | "close-annotation"
  | "send"
  | "release"
  | { kind: "saved-reply"; slot: number };

export interface KeyLike {
  key: string;
  /** The physical key: alt+1 types "¡" on a Mac keyboard, but its code is still Digit1. */
  code?: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  /** False only when known to be up: caps lock alone must not make c a take-over. */
  shiftKey?: boolean;
  target: EventTarget | null;
}

/** The parts of the page whose keys mean something else. */
export interface KeyScopes {
  filters: Element;
  feed: Element;
  composer: Element;
  /** The tag or note box. */
  annotation: Element;
}

const inside = (scope: Element, target: EventTarget | null): boolean =>
  target instanceof Node && scope.contains(target);

/** 1 to 9 for alt+1 to alt+9, else null. */
function savedSlot(event: KeyLike): number | null {
  const digit = /^Digit([1-9])$/u.exec(event.code ?? "")?.[1] ?? /^[1-9]$/u.exec(event.key)?.[0];
  return digit ? Number(digit) : null;
}

function composerCommand(event: KeyLike): Command | null {
  const { altKey, ctrlKey, metaKey } = event;
  if (event.key === "Enter" && (ctrlKey || metaKey) && !altKey) return "send";
  if (event.key === "Escape" && !altKey && !ctrlKey && !metaKey) return "release";
  if (altKey && !ctrlKey && !metaKey) {
    const slot = savedSlot(event);
    if (slot !== null) return { kind: "saved-reply", slot };
  }
  // Everything else is typing.
  return null;
}

/** The command a key press means on the event page, or null to leave it to the browser. */
export function commandFor(event: KeyLike, scopes: KeyScopes): Command | null {
  if (inside(scopes.composer, event.target)) return composerCommand(event);
  if (inside(scopes.annotation, event.target)) {
    const plain = !event.altKey && !event.ctrlKey && !event.metaKey;
    // Enter submits the box's form; every other key is typing.
    return event.key === "Escape" && plain ? "close-annotation" : null;
  }
  if (event.altKey || event.ctrlKey || event.metaKey) return null;
  if (inside(scopes.filters, event.target) && event.key === "Escape") return "leave-filters";
  if (isTypingTarget(event.target)) return null;
  const inFeed = inside(scopes.feed, event.target);
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
    case "q":
      return "toggle-queue";
    case "Escape":
      return "deselect";
    case "e":
      return "toggle-group";
    case "c":
      return "claim";
    case "r":
      return "reply";
    case "n":
      return "claim-next";
    case "d":
      return "dismiss";
    case "f":
      return "flag";
    case "t":
      return "tag";
    // Shift+N and shift+C, rarer and no slip of n or c: caps lock alone does neither.
    case "N":
      return event.shiftKey === false ? null : "note";
    case "C":
      return event.shiftKey === false ? null : "take-over";
    default:
      return null;
  }
}

export function bindKeys(scopes: KeyScopes, run: (command: Command) => void): void {
  document.addEventListener("keydown", (event) => {
    // A key held down repeats: one claim or one send per press is what anyone means.
    if (event.repeat && !["j", "k", "ArrowDown", "ArrowUp"].includes(event.key)) {
      if (commandFor(event, scopes)) event.preventDefault();
      return;
    }
    const command = commandFor(event, scopes);
    if (!command) return;
    // Otherwise "/" lands in the search box, space scrolls the page, j types nowhere, and
    // ctrl+enter adds a line to the reply it just sent.
    event.preventDefault();
    run(command);
  });
}
