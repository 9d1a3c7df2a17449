// The admin's list of users: each row's role (a select that saves on change), whether
// they may log in (Deactivate / Reactivate) and a new password, through /api/users.

import { el } from "../lib/dom";
import { patchJSON, reasonOf } from "./forms";

export interface UserRecord {
  id: number;
  username: string;
  display_name: string;
  role: string;
  is_active: boolean;
}

export interface UsersElements {
  list: HTMLElement;
  status: HTMLElement;
  error: HTMLElement;
}

export class UsersView {
  private users: UserRecord[] = [];

  constructor(
    private readonly ui: UsersElements,
    private readonly roles: readonly string[],
    private readonly meId: number,
  ) {}

  render(users: readonly UserRecord[]): void {
    this.users = [...users].sort((a, b) => a.username.localeCompare(b.username));
    this.ui.list.replaceChildren(...this.users.map((user) => this.row(user)));
  }

  private row(user: UserRecord): HTMLElement {
    const row = el("tr");
    row.dataset.username = user.username;
    if (!user.is_active) row.classList.add("is-inactive");
    const role = el("select");
    role.setAttribute("aria-label", `Role of ${user.username}`);
    for (const name of this.roles) {
      const option = el("option", undefined, name);
      option.value = name;
      option.selected = name === user.role;
      role.append(option);
    }
    // An admin demoting or locking out themselves would lose this page: the server allows
    // it, the console does not offer it.
    const isMe = user.id === this.meId;
    role.disabled = isMe;
    role.addEventListener("change", () =>
      void this.change(user, { role: role.value }, `${user.username} is now ${role.value}.`),
    );
    const actions = el("td", "setup-actions");
    if (!isMe) {
      const toggle = el("button", "btn", user.is_active ? "Deactivate" : "Reactivate");
      toggle.type = "button";
      toggle.addEventListener("click", () =>
        void this.change(
          user,
          { is_active: !user.is_active },
          user.is_active
            ? `${user.username} can no longer log in.`
            : `${user.username} can log in again.`,
        ),
      );
      actions.append(toggle);
    }
    actions.append(this.passwordForm(user));
    const roleCell = el("td");
    roleCell.append(role);
    row.append(
      el("td", undefined, user.username),
      el("td", undefined, user.display_name),
      roleCell,
      el("td", undefined, user.is_active ? "active" : "deactivated"),
      actions,
    );
    return row;
  }

  private passwordForm(user: UserRecord): HTMLElement {
    const form = el("form", "setup-inline-form");
    form.noValidate = true;
    const input = el("input");
    input.type = "password";
    input.autocomplete = "new-password";
    input.placeholder = "New password";
    input.setAttribute("aria-label", `New password for ${user.username}`);
    const button = el("button", "btn", "Set password");
    button.type = "submit";
    form.append(input, button);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!input.value) return;
      const password = input.value;
      const said = `New password set for ${user.username}; their sessions ended.`;
      void this.change(user, { password }, said).then((done) => {
        if (done) input.value = "";
      });
    });
    return form;
  }

  private async change(
    user: UserRecord,
    body: Record<string, unknown>,
    said: string,
  ): Promise<boolean> {
    this.ui.status.textContent = "";
    this.ui.error.textContent = "";
    try {
      const updated = await patchJSON<UserRecord>(`/api/users/${user.id}`, body);
      this.render(this.users.map((item) => (item.id === updated.id ? updated : item)));
      this.ui.status.textContent = said;
      return true;
    } catch (error) {
      this.ui.error.textContent = reasonOf(error);
      // The select shows what the server has, not what was refused.
      this.render(this.users);
      return false;
    }
  }
}
