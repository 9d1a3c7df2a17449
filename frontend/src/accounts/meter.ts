// The budget meter in the event page's header: each posting account's fullest window,
// polled from GET /api/accounts/budgets (budgets live in the posting process, not in the
// journal: polling every 15 s is simpler and enough for limits counted in minutes).

import "./accounts.css";
import { getJSON } from "../lib/api";
import { el } from "../lib/dom";
import { type AccountBudget, meterText, tightest } from "./model";

const POLL_MS = 15_000;

export function startBudgetMeter(host: Element | null, pollMs = POLL_MS): () => Promise<void> {
  const box = el("div", "budget-meters");
  box.setAttribute("aria-label", "Posting budgets");
  box.dataset.budgetMeters = "";
  host?.append(box);
  const refresh = async (): Promise<void> => {
    let budgets: AccountBudget[];
    try {
      ({ budgets } = await getJSON<{ budgets: AccountBudget[] }>("/api/accounts/budgets"));
    } catch {
      return; // the meter is a hint: the next poll tries again
    }
    box.replaceChildren(
      ...budgets.map((entry) => {
        const item = el("span", "budget-meter");
        item.dataset.accountId = String(entry.account_id);
        const meter = el("meter");
        const tight = tightest(entry.budget);
        meter.min = 0;
        meter.max = 1;
        meter.high = 0.8;
        meter.value = tight?.share ?? 0;
        item.classList.toggle("is-waiting", entry.budget.ready_at !== null);
        item.append(meter, el("span", "budget-text", meterText(entry)));
        item.title = meterText(entry);
        return item;
      }),
    );
  };
  void refresh();
  window.setInterval(() => void refresh(), pollMs);
  return refresh;
}
