// A draft's unsaved edit kept in this browser on every keystroke (as the triage composer
// keeps a half-typed reply, triage/local-drafts.ts), so a reload loses nothing: reopening
// the draft brings the edit back with the version it was typed against, and saving it then
// meets the concurrency rule like any save (412 and the conflict view when others saved).

import { browserStorage } from "../triage/local-drafts";
import type { DraftContent } from "./types";

const PREFIX = "cuedesk.showdraft.";
const MAX_AGE_MS = 24 * 60 * 60 * 1_000;

export interface DraftFields {
  title: string;
  content: DraftContent;
  tags: string[];
  note: string;
}

export interface LocalEdit {
  /** The version the edit was typed against, and its fields then (the merge's base). */
  version: number;
  base: DraftFields;
  fields: DraftFields;
  at: number;
}

const key = (eventId: number, draftId: number): string => `${PREFIX}${eventId}.${draftId}`;

export function readLocalEdit(eventId: number, draftId: number, now = Date.now()): LocalEdit | null {
  const storage = browserStorage();
  const raw = storage?.getItem(key(eventId, draftId));
  if (!raw) return null;
  try {
    const edit = JSON.parse(raw) as LocalEdit;
    if (now - edit.at > MAX_AGE_MS) {
      storage?.removeItem(key(eventId, draftId));
      return null;
    }
    return edit;
  } catch {
    return null;
  }
}

export function writeLocalEdit(eventId: number, draftId: number, edit: LocalEdit): void {
  try {
    browserStorage()?.setItem(key(eventId, draftId), JSON.stringify(edit));
  } catch {
    // A full storage: the server's copy is all there is, as before.
  }
}

export function clearLocalEdit(eventId: number, draftId: number): void {
  browserStorage()?.removeItem(key(eventId, draftId));
}
