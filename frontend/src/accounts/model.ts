// The accounts and their budgets as the API answers them, and what the page and the meter
// show of them. No DOM here: unit-tested.

export interface Account {
  id: number;
  network: "x" | "bluesky" | "mastodon";
  event_id: number | null;
  handle: string;
  secret_set: boolean;
  secret_hint: string;
  // X: the X app's bearer token, which the filtered stream listens with.
  bearer_token_set: boolean;
  bearer_token_hint: string;
  status: "pending" | "connected" | "refused";
  last_error: string | null;
  last_tested_at: string | null;
  // Mastodon: its server's character limit, once read (connected or tested).
  max_characters?: number | null;
}

export interface BudgetWindow {
  name: string;
  unit: string;
  limit: number;
  used: number;
  resets_at: string | null;
}

export interface Budget {
  windows: BudgetWindow[];
  header: { limit: number; remaining: number; reset_at: string } | null;
  credits: number | null;
  ready_at: string | null;
}

export interface AccountBudget {
  account_id: number | null;
  network: string;
  handle: string;
  budget: Budget;
}

const NETWORKS: Record<string, string> = { x: "X", bluesky: "Bluesky", mastodon: "Mastodon" };

export const networkLabel = (network: string): string => NETWORKS[network] ?? network;

export function statusText(account: Account): string {
  if (account.status === "refused") return `Refused: ${account.last_error ?? "reconnect it"}`;
  if (account.status === "pending") return `Waiting for ${networkLabel(account.network)}'s consent`;
  const connected = account.last_tested_at ? "Connected, tested" : "Connected (not tested yet)";
  return account.max_characters
    ? `${connected} · statuses up to ${account.max_characters.toLocaleString("en")} characters`
    : connected;
}

/** What the Secret column shows: masked, and for X whether the app's bearer token is stored. */
export function secretText(account: Account): string {
  const secret = account.secret_set ? account.secret_hint || "set" : "not set";
  if (account.network !== "x") return secret;
  const bearer = account.bearer_token_set ? account.bearer_token_hint || "set" : "not set";
  return `${secret} · app bearer token ${bearer}`;
}

/** How an account is named in a list to pick from: "X @cuedesk (every event)". */
export function accountLabel(account: Account, eventName: (id: number) => string): string {
  const who = account.handle ? `@${account.handle}` : `account ${account.id}`;
  const forWhat = account.event_id === null ? "every event" : eventName(account.event_id);
  return `${networkLabel(account.network)} ${who} (${forWhat})`;
}

/** The fullest window (the one that runs out first), as a share of its limit. */
export function tightest(budget: Budget): { window: BudgetWindow; share: number } | null {
  let best: { window: BudgetWindow; share: number } | null = null;
  for (const window of budget.windows) {
    const share = window.limit > 0 ? window.used / window.limit : 0;
    if (!best || share > best.share) best = { window, share };
  }
  if (budget.header && budget.header.limit > 0) {
    const used = budget.header.limit - budget.header.remaining;
    const share = used / budget.header.limit;
    if (!best || share > best.share) {
      best = {
        window: { name: "API window", unit: "calls", limit: budget.header.limit, used, resets_at: budget.header.reset_at },
        share,
      };
    }
  }
  return best;
}

/** "X @cuedesk 3/100 posts per 15 minutes", plus the credits and a wait when there is one. */
export function meterText(entry: AccountBudget): string {
  const parts = [`${networkLabel(entry.network)} @${entry.handle || "?"}`];
  const tight = tightest(entry.budget);
  if (tight) {
    const w = tight.window;
    parts.push(`${w.used}/${w.limit} ${w.unit} per ${w.name}`);
  }
  if (entry.budget.credits !== null) parts.push(`${entry.budget.credits} credits`);
  if (entry.budget.ready_at) parts.push(`waiting until ${entry.budget.ready_at.slice(11, 19)} UTC`);
  return parts.join(" · ");
}
