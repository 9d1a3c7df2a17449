import { beforeEach, describe, expect, it } from "vitest";
import { fillEventForm, readEventForm } from "./event-form";

const form = () => document.querySelector("form") as HTMLFormElement;

beforeEach(() => {
  process.env.TZ = "UTC";
  document.body.innerHTML = `<form>
    <input name="name"><input name="hashtags"><textarea name="keywords"></textarea>
    <input type="checkbox" name="networks" value="x">
    <input type="checkbox" name="networks" value="bluesky">
    <input name="starts_at" type="datetime-local"><input name="ends_at" type="datetime-local">
    <select name="status"><option>scheduled</option><option>live</option></select>
    <label hidden><input type="checkbox" name="quick_posts_need_approval"></label>
  </form>`;
});

const event = {
  id: 1,
  name: "Cup Final",
  hashtags: ["CupFinal"],
  keywords: ["penalty kick"],
  networks: ["bluesky"],
  starts_at: "2026-02-08T20:00:00Z",
  ends_at: null,
  status: "live",
};

describe("the event form", () => {
  it("reads back what it was filled with, times with their offset", () => {
    fillEventForm(form(), event);
    expect(readEventForm(form())).toEqual({
      name: "Cup Final",
      hashtags: ["CupFinal"],
      keywords: ["penalty kick"],
      networks: ["bluesky"],
      starts_at: "2026-02-08T20:00:00+00:00",
      ends_at: null,
      status: "live",
    });
  });

  it("shows and sends quick_posts_need_approval only when the event has it", () => {
    fillEventForm(form(), event);
    const label = form().querySelector("label") as HTMLElement;
    expect(label.hidden).toBe(true);
    expect(readEventForm(form(), false)).not.toHaveProperty("quick_posts_need_approval");
    fillEventForm(form(), { ...event, quick_posts_need_approval: true });
    expect(label.hidden).toBe(false);
    expect(readEventForm(form(), true).quick_posts_need_approval).toBe(true);
  });
});
