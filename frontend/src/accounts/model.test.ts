import { describe, expect, it } from "vitest";

import { type AccountBudget, meterText, statusText, tightest } from "./model";

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
    const text = statusText({
      id: 1, network: "x", event_id: null, handle: "cuedesk", secret_set: true, secret_hint: "••••",
      status: "refused", last_error: "X refused the account's token", last_tested_at: null,
    });
    expect(text).toBe("Refused: X refused the account's token");
  });
});
