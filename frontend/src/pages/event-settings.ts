// An event's settings, for producers and admins: its fields (PATCH, only what changed),
// its sources (start the simulator, stop one) and its VIPs.

import "../setup/setup.css";
import { getJSON } from "../lib/api";
import { byId } from "../lib/dom";
import { startShell } from "../lib/shell";
import { type EventRecord, fillEventForm, readEventForm, showZone } from "../setup/event-form";
import { changedFields, formatVips, parseVips, type VipLine } from "../setup/fields";
import { onSubmit, patchJSON, putJSON, reasonOf } from "../setup/forms";
import { SourcesView } from "../setup/sources-view";

startShell();

const root = document.querySelector<HTMLElement>(".setup");
if (!root) throw new Error("The settings page has no .setup element.");
const eventId = Number(root.dataset.eventId);
const base = `/api/events/${eventId}`;

const form = byId<HTMLFormElement>("event-form");
const saved = byId("event-form-saved");
const formError = byId("event-form-error");
let event: EventRecord | null = null;
showZone(form);

onSubmit(form, formError, async () => {
  if (!event) throw new Error("The event is still loading.");
  saved.textContent = "";
  const wanted = readEventForm(form, typeof event.quick_posts_need_approval === "boolean");
  if (!wanted.name) throw new Error("An event needs a name.");
  const changes = changedFields(event, wanted);
  if (Object.keys(changes).length === 0) {
    saved.textContent = "Nothing changed.";
    return;
  }
  event = await patchJSON<EventRecord>(base, changes);
  fillEventForm(form, event);
  byId("settings-title").textContent = event.name;
  saved.textContent = "Saved.";
});

const sourcesError = byId("simulator-error");
const sources = new SourcesView(eventId, byId("sources-list"), byId("sources-empty"), sourcesError);
sources.wireSimulator(byId<HTMLFormElement>("simulator-form"), byId("simulator-error"));

const vipsForm = byId<HTMLFormElement>("vips-form");
const vipsText = byId<HTMLTextAreaElement>("vips-text");
const vipsSaved = byId("vips-saved");
// The list arrives last of the page's loads: it must not wipe what the producer began typing.
let vipsTyped = false;
vipsText.addEventListener("input", () => {
  vipsTyped = true;
});
onSubmit(vipsForm, byId("vips-error"), async () => {
  vipsSaved.textContent = "";
  const answer = await putJSON<{ vips: VipLine[]; added: number; removed: number }>(
    `${base}/vips`,
    { vips: parseVips(vipsText.value) },
  );
  vipsText.value = formatVips(answer.vips);
  vipsSaved.textContent = `Saved: ${answer.added} added, ${answer.removed} removed.`;
});

async function load(): Promise<void> {
  try {
    event = await getJSON<EventRecord>(base);
    fillEventForm(form, event);
  } catch (error) {
    formError.textContent = reasonOf(error);
  }
  try {
    await sources.load();
  } catch (error) {
    byId("simulator-error").textContent = reasonOf(error);
  }
  try {
    const vips = await getJSON<{ vips: VipLine[] }>(`${base}/vips`);
    if (!vipsTyped) vipsText.value = formatVips(vips.vips);
  } catch (error) {
    byId("vips-error").textContent = reasonOf(error);
  }
}

void load();
