import { describe, expect, it } from "vitest";

import { type Account, type AccountBudget, accountLabel, meterText, secretText, statusText, tightest } from "./model";

const account = (overrides: Partial<Account> = {}): Account => ({
  id: 1, network: "x", event_id: null, handle: "cuedesk", secret_set: true, secret_hint: "••••",
  bearer_token_set: false, bearer_token_hint: "", status: "connected", last_error: null,
  last_tested_at: null, ...overrides,
});

const entry = (used: number, remaining = 99): AccountBudget => ({
  account_id: 1,
  network: "x",
  handle: "cuedesk",
  budget: {
    windows: [
      { name: "15 minutes", unit: "posts", limit: 100, used, resets_at: null },
      { name: "day", unit: "posts", limit: 2400, used, resets_at: null },
    ],
    header: { limit: 100, remaining, reset_at: "2026-02-08T20:15:00Z" },
    credits: null,
    ready_at: null,
  },
});

describe("the budget meter", () => {
  it("shows the window that runs out first", () => {
    expect(meterText(entry(3))).toBe("X @cuedesk · 3/100 posts per 15 minutes");
    expect(tightest(entry(3).budget)?.share).toBeCloseTo(0.03);
  });

  it("uses the network's own headers when they say less is left", () => {
    expect(meterText(entry(1, 10))).toBe("X @cuedesk · 90/100 calls per API window");
  });

  it("says until when a spent budget waits", () => {
    const spent = entry(100);
    spent.budget.ready_at = "2026-02-08T20:15:00Z";
    expect(meterText(spent)).toContain("waiting until 20:15:00 UTC");
  });
});

describe("an account's status", () => {
  it("says what the network refused", () => {
    const text = statusText(account({ status: "refused", last_error: "X refused the account's token" }));
    expect(text).toBe("Refused: X refused the account's token");
  });

  it("says whose consent it waits for", () => {
    expect(statusText(account({ status: "pending" }))).toBe("Waiting for X's consent");
    expect(statusText(account({ network: "mastodon", status: "pending" }))).toBe(
      "Waiting for Mastodon's consent",
    );
  });

  it("gives a Mastodon server's character limit once it is known", () => {
    const tested = account({ network: "mastodon", last_tested_at: "2026-02-08T20:00:00Z", max_characters: 1000 });
    expect(statusText(tested)).toBe("Connected, tested · statuses up to 1,000 characters");
  });
});

describe("an account's secrets", () => {
  it("says whether an X account holds the app's bearer token, masked", () => {
    expect(secretText(account())).toBe("•••• · app bearer token not set");
    expect(secretText(account({ bearer_token_set: true, bearer_token_hint: "••••wxyz" }))).toBe(
      "•••• · app bearer token ••••wxyz",
    );
  });

  it("shows only the login secret of the other networks", () => {
    expect(secretText(account({ network: "mastodon", secret_hint: "••••oken" }))).toBe("••••oken");
  });

  it("names an account by its handle and what it is for", () => {
    expect(accountLabel(account(), () => "")).toBe("X @cuedesk (every event)");
    expect(accountLabel(account({ event_id: 4, handle: "" }), (id) => `event ${id}`)).toBe(
      "X account 1 (event 4)",
    );
  });
});
