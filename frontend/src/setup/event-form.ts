// The event's fields in a form (the "New event" form and the settings page share them,
// templates/_event_fields.html): filled from the API's event, read back as its body.

import { fromLocalInput, parseLines, parseList, toLocalInput } from "./fields";

/** The event as GET /api/events/{id} gives it; the show-run fields may be absent. */
export interface EventRecord {
  id: number;
  name: string;
  hashtags: string[];
  keywords: string[];
  networks: string[];
  starts_at: string | null;
  ends_at: string | null;
  status: string;
  quick_posts_need_approval?: boolean;
}

export type EventBody = Partial<Omit<EventRecord, "id">>;

const field = <T extends HTMLElement>(form: HTMLFormElement, name: string): T | null =>
  form.elements.namedItem(name) as T | null;

const value = (form: HTMLFormElement, name: string): string =>
  field<HTMLInputElement>(form, name)?.value ?? "";

export function fillEventForm(form: HTMLFormElement, event: EventRecord): void {
  const set = (name: string, text: string): void => {
    const input = field<HTMLInputElement>(form, name);
    if (input) input.value = text;
  };
  set("name", event.name);
  set("hashtags", event.hashtags.map((tag) => `#${tag}`).join(" "));
  set("keywords", event.keywords.join("\n"));
  set("starts_at", toLocalInput(event.starts_at));
  set("ends_at", toLocalInput(event.ends_at));
  set("status", event.status);
  for (const box of form.querySelectorAll<HTMLInputElement>('input[name="networks"]')) {
    box.checked = event.networks.includes(box.value);
  }
  const approval = field<HTMLInputElement>(form, "quick_posts_need_approval");
  if (approval && typeof event.quick_posts_need_approval === "boolean") {
    approval.checked = event.quick_posts_need_approval;
    approval.closest<HTMLElement>("[hidden]")?.removeAttribute("hidden");
  }
}

/**
 * The form as an event body. `withApproval`: send quick_posts_need_approval only when the
 * server's event has it (an older server refuses unknown fields).
 */
export function readEventForm(form: HTMLFormElement, withApproval = false): EventBody {
  const body: EventBody = {
    name: value(form, "name").trim(),
    hashtags: parseList(value(form, "hashtags"), { stripHash: true }),
    keywords: parseLines(value(form, "keywords")),
    networks: [...form.querySelectorAll<HTMLInputElement>('input[name="networks"]:checked')].map(
      (box) => box.value,
    ),
    starts_at: fromLocalInput(value(form, "starts_at")),
    ends_at: fromLocalInput(value(form, "ends_at")),
  };
  if (field(form, "status")) body.status = value(form, "status");
  const approval = field<HTMLInputElement>(form, "quick_posts_need_approval");
  if (withApproval && approval) body.quick_posts_need_approval = approval.checked;
  return body;
}

/** Names the browser's zone beside the time fields: the times are typed in it. */
export function showZone(root: ParentNode = document): void {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (const node of root.querySelectorAll<HTMLElement>("[data-zone]")) {
    node.textContent = `(your time zone, ${zone})`;
  }
}
