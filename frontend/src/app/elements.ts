// The event page's elements, found once; a template that lost one fails loudly at load.

import { byId } from "../lib/dom";
import type { FilterControls } from "../ui/filter-bar";
import type { QueueElements } from "./queue-mode";

export interface DeskElements {
  name: HTMLElement;
  hashtags: HTMLElement;
  status: HTMLElement;
  state: HTMLElement;
  stateText: HTMLElement;
  stateDetail: HTMLElement;
  rateValue: HTMLElement;
  rateSpark: SVGSVGElement;
  presenceCount: HTMLElement;
  presenceList: HTMLElement;
  filters: FilterControls;
  pauseButton: HTMLButtonElement;
  feedWrap: HTMLElement;
  newButton: HTMLButtonElement;
  newCount: HTMLElement;
  list: HTMLElement;
  empty: HTMLElement;
  mode: QueueElements;
}

export function findDeskElements(): DeskElements {
  const spark = document.getElementById("rate-spark");
  if (!(spark instanceof SVGSVGElement)) throw new Error("The page has no #rate-spark <svg>.");
  return {
    name: byId("event-name"),
    hashtags: byId("event-hashtags"),
    status: byId("event-status"),
    state: byId("conn"),
    stateText: byId("conn-text"),
    stateDetail: byId("conn-detail"),
    rateValue: byId("rate-value"),
    rateSpark: spark,
    presenceCount: byId("presence-count"),
    presenceList: byId("presence-list"),
    filters: {
      form: byId<HTMLFormElement>("filters"),
      search: byId<HTMLInputElement>("filter-q"),
      verified: byId<HTMLInputElement>("filter-verified"),
      followers: byId<HTMLSelectElement>("filter-followers"),
      lang: byId<HTMLSelectElement>("filter-lang"),
    },
    pauseButton: byId<HTMLButtonElement>("pause"),
    feedWrap: byId("feed-wrap"),
    newButton: byId<HTMLButtonElement>("feed-new"),
    newCount: byId("feed-new-count"),
    list: byId("feed"),
    empty: byId("feed-empty"),
    mode: {
      liveButton: byId<HTMLButtonElement>("mode-live"),
      queueButton: byId<HTMLButtonElement>("mode-queue"),
      title: byId("feed-title"),
      feedWrap: byId("feed-wrap"),
    },
  };
}
