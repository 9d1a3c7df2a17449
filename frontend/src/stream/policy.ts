// When to reconnect, and how long to wait: the close codes of docs/stream.md and a backoff
// with jitter, so that a room full of consoles does not hammer a restarting server in step.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/**
 * Delay before reconnect attempt `attempt` (0 for the first): "equal jitter", a random point
 * in the upper half of an exponentially growing, capped window. The lower half keeps a
 * floor under the wait; the random half spreads consoles that lost the server together.
 */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  { baseMs, maxMs }: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const window = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  return window / 2 + random() * (window / 2);
}

export interface Retry {
  kind: "retry";
  reason: string;
  /** Wait at least this long, whatever the backoff says. */
  floorMs: number;
}

export type CloseAction = Retry | { kind: "stop"; reason: string };

export const CONNECTION_LOST: Retry = {
  kind: "retry",
  reason: "The connection was lost.",
  floorMs: 0,
};

/** What the console does when its socket closes with `code`. */
export function closeAction(code: number): CloseAction {
  switch (code) {
    case 1001:
    case 1012:
      // Give a restarting server a moment to come back before the first knock.
      return { kind: "retry", reason: "The server is restarting.", floorMs: 1_000 };
    case 1008:
      return {
        kind: "retry",
        reason: "The server refused a burst of messages from this console.",
        floorMs: 5_000,
      };
    case 1011:
      return { kind: "retry", reason: "The server had an internal error.", floorMs: 0 };
    case 4000:
      return { kind: "retry", reason: "The server heard nothing from this console.", floorMs: 0 };
    case 4008:
      return { kind: "retry", reason: "The connection could not keep up.", floorMs: 0 };
    case 4401:
      // The login this socket used ended, but the browser may hold a newer one (a login in
      // another tab): the next handshake tells, and a refused one is probed (→ log in).
      return { kind: "retry", reason: "Your login ended.", floorMs: 0 };
    case 4400:
      return {
        kind: "stop",
        reason: "The server refused the console's request. Reload the page.",
      };
    case 4404:
      return { kind: "stop", reason: "This event no longer exists." };
    default:
      return CONNECTION_LOST;
  }
}
