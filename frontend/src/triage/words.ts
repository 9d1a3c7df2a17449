// How triage names people and mentions in what it tells the operator.

import { ApiError } from "../lib/api";
import { type Holder, type Mention, isHolder } from "../feed/types";
import type { ClaimEnd } from "./my-claims";
import type { Refusal } from "./types";

/** "@ana", whether the network's handle carries its "@" or not. */
export const handleOf = (mention: Mention): string =>
  mention.author.handle.startsWith("@") ? mention.author.handle : `@${mention.author.handle}`;

/** Why a claim of this operator's ended, when it was not their own doing on this console. */
export function claimEndedMessage(
  mention: Mention | null,
  mentionId: number,
  why: ClaimEnd,
  by: Holder | null,
): string {
  const what = mention ? `${handleOf(mention)}'s mention` : `mention ${mentionId}`;
  const who = by?.display_name || by?.username || "someone";
  switch (why) {
    case "released":
      return `Your claim on ${what} was released from another console.`;
    case "expired":
      return `Your claim on ${what} ran out.`;
    case "taken-over":
      return `${who} took over ${what}.`;
    case "dismissed":
      return `${who} dismissed ${what}.`;
    case "replied":
      return `${who} answered ${what}.`;
  }
}

/** Who holds the mention, from a claim's 409, when the server named them. */
export function holderOf(error: unknown): Holder | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  const body = error.body as Partial<Refusal> | null;
  return body && typeof body === "object" && isHolder(body.holder) ? body.holder : null;
}

/**
 * Why a claim was refused, in the server's words; to a producer or an admin, a mention
 * held by someone else also says how to take it over.
 */
export function claimRefused(error: unknown, canTakeOver: boolean): string {
  const reason = error instanceof Error ? error.message : String(error);
  if (!canTakeOver || !holderOf(error)) return reason;
  return `${reason.replace(/\.\s*$/u, "")} — press shift+C to take it over.`;
}
