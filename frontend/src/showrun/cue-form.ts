// The form that adds or edits a cue: title, trigger (manual, at a wall-clock time, at a
// show-clock offset) and note. Times are sent with their offset, as the API requires.

import { el } from "../lib/dom";
import type { Cue, CueTrigger } from "./types";

export interface CueFields {
  title: string;
  trigger: CueTrigger;
  fire_at: string | null;
  offset_seconds: number | null;
  note: string;
}

/** "HH:MM:SS" or "MM:SS" or seconds, to seconds; null when it is none of them. */
export function parseOffset(text: string): number | null {
  const parts = text.trim().replace(/^T\+/u, "").split(":");
  if (parts.length > 3 || parts.some((part) => !/^\d+$/u.test(part))) return null;
  return parts.reduce((total, part) => total * 60 + Number(part), 0);
}

/** A datetime-local value ("2026-12-02T20:15") as this browser's local time, with offset. */
export function localTimeToIso(value: string): string | null {
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

function localValue(iso: string | null): string {
  if (!iso) return "";
  const at = new Date(iso);
  const local = new Date(at.getTime() - at.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

function offsetText(seconds: number | null): string {
  if (seconds === null) return "";
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}

/** Build the form; `submit` gets the fields, or an error message to show. */
export function cueForm(cue: Cue | null, submit: (fields: CueFields) => Promise<void>, cancel: () => void): HTMLFormElement {
  const form = el("form", "cue-form");
  form.setAttribute("aria-label", cue ? `Edit cue ${cue.title}` : "New cue");
  const title = el("input");
  title.name = "title";
  title.required = true;
  title.placeholder = "Kickoff";
  title.value = cue?.title ?? "";
  const trigger = el("select");
  trigger.name = "trigger";
  for (const [value, label] of [
    ["manual", "Manual"],
    ["at_time", "At a time"],
    ["show_offset", "At a show-clock offset"],
  ]) {
    const option = el("option", undefined, label);
    option.value = value ?? "";
    trigger.append(option);
  }
  trigger.value = cue?.trigger ?? "manual";
  const at = el("input");
  at.type = "datetime-local";
  at.name = "fire_at";
  at.step = "1";
  at.value = localValue(cue?.fire_at ?? null);
  const offset = el("input");
  offset.name = "offset";
  offset.placeholder = "00:10:00";
  offset.value = offsetText(cue?.offset_seconds ?? null);
  const note = el("textarea");
  note.name = "note";
  note.rows = 2;
  note.value = cue?.note ?? "";
  const error = el("p", "cue-form-error");
  error.setAttribute("role", "alert");
  const show = (): void => {
    at.closest("label")?.toggleAttribute("hidden", trigger.value !== "at_time");
    offset.closest("label")?.toggleAttribute("hidden", trigger.value !== "show_offset");
  };
  const field = (label: string, input: HTMLElement): HTMLLabelElement => {
    const wrap = el("label", "cue-field", label);
    wrap.append(input);
    return wrap;
  };
  const save = el("button", "primary", cue ? "Save cue" : "Add cue");
  save.type = "submit";
  const back = el("button", undefined, "Cancel");
  back.type = "button";
  back.addEventListener("click", cancel);
  form.append(
    field("Title", title),
    field("Trigger", trigger),
    field("Time", at),
    field("Offset (T+)", offset),
    field("Note", note),
    error,
    save,
    back,
  );
  trigger.addEventListener("change", show);
  show();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const kind = trigger.value as CueTrigger;
    const fields: CueFields = { title: title.value.trim(), trigger: kind, fire_at: null, offset_seconds: null, note: note.value };
    if (kind === "at_time") {
      fields.fire_at = localTimeToIso(at.value);
      if (!fields.fire_at) return void (error.textContent = "Give the time to fire at.");
    }
    if (kind === "show_offset") {
      fields.offset_seconds = parseOffset(offset.value);
      if (fields.offset_seconds === null) return void (error.textContent = "Give the offset as HH:MM:SS.");
    }
    error.textContent = "";
    submit(fields).catch((failure: unknown) => {
      error.textContent = failure instanceof Error ? failure.message : String(failure);
    });
  });
  queueMicrotask(() => title.focus());
  return form;
}
