// The event page's triage elements (the claims column, the composer, the status line, the
// tag or note box),
// found once; a template that lost one fails loudly at load.

import { byId } from "../lib/dom";
import type { AnnotationElements } from "../ui/annotation-box";
import type { ClaimsElements } from "../ui/claims-view";
import type { ComposerElements } from "../ui/composer";

export interface TriageElements {
  side: HTMLElement;
  status: HTMLElement;
  claims: ClaimsElements;
  composer: ComposerElements;
  annotation: AnnotationElements;
}

export function findTriageElements(): TriageElements {
  return {
    side: byId("triage"),
    status: byId("triage-status"),
    claims: {
      list: byId("claims-list"),
      count: byId("claims-count"),
      empty: byId("claims-empty"),
    },
    composer: {
      form: byId<HTMLFormElement>("composer"),
      to: byId("composer-to"),
      quote: byId("composer-quote"),
      notice: byId("composer-notice"),
      text: byId<HTMLTextAreaElement>("composer-text"),
      count: byId("composer-count"),
      saveState: byId("composer-save-state"),
      templates: byId("composer-templates"),
      templateList: byId("composer-template-list"),
      send: byId<HTMLButtonElement>("composer-send"),
      release: byId<HTMLButtonElement>("composer-release"),
    },
    annotation: {
      form: byId<HTMLFormElement>("annotate"),
      label: byId("annotate-label"),
      input: byId<HTMLInputElement>("annotate-text"),
      add: byId<HTMLButtonElement>("annotate-add"),
    },
  };
}
