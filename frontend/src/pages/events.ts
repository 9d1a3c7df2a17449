// The event list, and for producers and admins the "New event" form: a created event
// opens its settings, where the night is set up (sources, VIPs).

import "../setup/setup.css";
import { postJSON } from "../lib/api";
import { startShell } from "../lib/shell";
import { type EventRecord, readEventForm, showZone } from "../setup/event-form";
import { onSubmit } from "../setup/forms";

startShell();

const form = document.querySelector<HTMLFormElement>("#new-event-form");
const errorLine = document.querySelector<HTMLElement>("#new-event-error");
if (form && errorLine) {
  showZone(form);
  onSubmit(form, errorLine, async () => {
    const body = readEventForm(form);
    if (!body.name) throw new Error("An event needs a name.");
    const event = await postJSON<EventRecord>("/api/events", body);
    window.location.assign(`/events/${event.id}/settings`);
  });
}
