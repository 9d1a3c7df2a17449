// The Accounts page (admins): list, connect (X and Mastodon through their consent pages),
// test and remove the networks' accounts, and store the X app's bearer token (listening). What a secret was is never shown: the API
// sends only whether one is set and its last four.

import "./accounts.css";
import { ApiError, getJSON, postJSON, request } from "../lib/api";
import { byId, el } from "../lib/dom";
import { startShell } from "../lib/shell";
import { type Account, accountLabel, networkLabel, secretText, statusText } from "./model";

interface ConnectionTest {
  ok: boolean;
  message: string;
  account: Account;
}

startShell();
const rows = document.getElementById("accounts-rows");
if (rows) start(rows);

function say(text: string, failed = false): void {
  const status = byId("accounts-status");
  status.textContent = text;
  status.classList.toggle("is-error", failed);
}

const messageOf = (error: unknown): string =>
  error instanceof ApiError ? error.message : String(error);

function row(account: Account, events: Map<string, string>): HTMLTableRowElement {
  const tr = el("tr");
  tr.dataset.accountId = String(account.id);
  tr.dataset.status = account.status;
  tr.append(
    el("td", "", networkLabel(account.network)),
    el("td", "", account.handle ? `@${account.handle}` : "—"),
    el("td", "", account.event_id === null ? "every event" : events.get(String(account.event_id)) ?? `event ${account.event_id}`),
    el("td", "", secretText(account)),
    el("td", `account-status status-${account.status}`, statusText(account)),
  );
  const actions = el("td", "account-actions");
  const test = el("button", "btn", "Test");
  test.type = "button";
  test.dataset.test = String(account.id);
  const remove = el("button", "btn btn-quiet", "Remove");
  remove.type = "button";
  remove.dataset.remove = String(account.id);
  actions.append(test, remove);
  tr.append(actions);
  return tr;
}

function start(tbody: HTMLElement): void {
  const eventSelect = byId<HTMLSelectElement>("connect-event");
  const events = new Map([...eventSelect.options].map((o) => [o.value, o.textContent ?? ""]));

  const eventName = (id: number): string => events.get(String(id)) ?? `event ${id}`;
  const bearer = bearerForm(say, () => refresh());
  const refresh = async (): Promise<void> => {
    const { accounts } = await getJSON<{ accounts: Account[] }>("/api/accounts");
    tbody.replaceChildren(...accounts.map((account) => row(account, events)));
    bearer.show(accounts.filter((account) => account.network === "x"), eventName);
  };

  tbody.addEventListener("click", (event) => {
    const target = event.target as HTMLElement;
    const testId = target.dataset.test;
    const removeId = target.dataset.remove;
    if (testId) {
      say("Testing…");
      void postJSON<ConnectionTest>(`/api/accounts/${testId}/test`)
        .then((result) => {
          say(result.message, !result.ok);
          return refresh();
        })
        .catch((error: unknown) => say(messageOf(error), true));
    } else if (removeId) {
      void request("DELETE", `/api/accounts/${removeId}`)
        .then(() => refresh())
        .catch((error: unknown) => say(messageOf(error), true));
    }
  });

  const form = byId<HTMLFormElement>("connect-form");
  const network = byId<HTMLSelectElement>("connect-network");
  const showFields = (): void => {
    for (const label of form.querySelectorAll<HTMLElement>("[data-for]")) {
      label.hidden = label.dataset.for !== network.value;
    }
  };
  network.addEventListener("change", showFields);
  showFields();

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const value = (name: string): string => String(data.get(name) ?? "").trim();
    const eventId = value("event_id") ? Number(value("event_id")) : null;
    if (network.value === "x") {
      const bearerToken = value("bearer_token") || null;
      void postJSON<{ authorize_url: string }>("/api/accounts/x/authorize", { event_id: eventId, bearer_token: bearerToken })
        .then((started) => window.location.assign(started.authorize_url))
        .catch((error: unknown) => say(messageOf(error), true));
      return;
    }
    const body =
      network.value === "bluesky"
        ? { network: "bluesky", event_id: eventId, handle: value("handle"), app_password: value("app_password") }
        : { network: "mastodon", event_id: eventId, server_url: value("server_url"), access_token: value("access_token") };
    void postJSON<Account>("/api/accounts", body)
      .then(() => {
        form.reset();
        showFields();
        say("Connected. Test it to be sure it works.");
        return refresh();
      })
      .catch((error: unknown) => say(messageOf(error), true));
  });

  mastodonForm();
  const params = new URLSearchParams(window.location.search);
  if (params.get("x_error")) say(`X did not connect: ${params.get("x_error")}`, true);
  if (params.get("mastodon_error")) say(`Mastodon did not connect: ${params.get("mastodon_error")}`, true);
  else if (params.get("connected")) say("Connected.");
  void refresh().catch((error: unknown) => say(messageOf(error), true));
}

/** Connect a Mastodon account through its server's consent page: the server's answer
 *  brings the admin back here (?connected= or ?mastodon_error=). */
function mastodonForm(): void {
  const form = byId<HTMLFormElement>("mastodon-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const eventId = String(data.get("event_id") ?? "");
    const body = { server_url: String(data.get("server_url") ?? "").trim(), event_id: eventId ? Number(eventId) : null };
    say(`Asking ${body.server_url}…`);
    void postJSON<{ authorize_url: string }>("/api/accounts/mastodon/authorize", body)
      .then((started) => window.location.assign(started.authorize_url))
      .catch((error: unknown) => say(messageOf(error), true));
  });
}

/** Store (or remove) the X app's bearer token on one of the X accounts. */
function bearerForm(
  say: (text: string, failed?: boolean) => void,
  refresh: () => Promise<void>,
): { show: (accounts: Account[], eventName: (id: number) => string) => void } {
  const form = byId<HTMLFormElement>("bearer-form");
  const select = byId<HTMLSelectElement>("bearer-account");
  const token = byId<HTMLInputElement>("bearer-token");
  const save = (bearerToken: string | null, done: string): void => {
    void request<Account>("PATCH", `/api/accounts/${select.value}`, { bearer_token: bearerToken })
      .then(() => {
        form.reset();
        say(done);
        return refresh();
      })
      .catch((error: unknown) => say(messageOf(error), true));
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (token.value.trim()) save(token.value.trim(), "The X app's bearer token is stored.");
  });
  byId("bearer-remove").addEventListener("click", () => save(null, "The X app's bearer token is removed."));
  return {
    show(accounts, eventName) {
      const chosen = select.value;
      select.replaceChildren(
        ...accounts.map((account) => {
          const option = el("option", "", accountLabel(account, eventName));
          option.value = String(account.id);
          return option;
        }),
      );
      if (accounts.some((account) => String(account.id) === chosen)) select.value = chosen;
      byId("bearer-section").hidden = accounts.length === 0;
    },
  };
}
