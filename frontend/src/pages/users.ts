// Users, for admins: the team's accounts, a new one, roles, who may log in, passwords.

import "../setup/setup.css";
import { getJSON, postJSON } from "../lib/api";
import { byId } from "../lib/dom";
import { startShell } from "../lib/shell";
import { onSubmit, reasonOf } from "../setup/forms";
import { type UserRecord, UsersView } from "../setup/users-view";

startShell();

const root = document.querySelector<HTMLElement>(".setup");
const list = byId("users-list");
const view = new UsersView(
  { list, status: byId("users-status"), error: byId("users-error") },
  (list.dataset.roles ?? "").split(",").filter(Boolean),
  Number(root?.dataset.me),
);

async function load(): Promise<void> {
  view.render(await getJSON<UserRecord[]>("/api/users"));
}

const form = byId<HTMLFormElement>("new-user-form");
onSubmit(form, byId("new-user-error"), async () => {
  const data = new FormData(form);
  const created = await postJSON<UserRecord>("/api/users", {
    username: String(data.get("username") ?? "").trim(),
    password: String(data.get("password") ?? ""),
    role: String(data.get("role") ?? "operator"),
    display_name: String(data.get("display_name") ?? "").trim(),
  });
  form.reset();
  byId("users-status").textContent = `${created.username} can log in now, as ${created.role}.`;
  await load();
});

load().catch((error: unknown) => {
  byId("users-error").textContent = reasonOf(error);
});
