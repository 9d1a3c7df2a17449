// How triage names people and mentions in what it tells the operator.

import type { Holder, Mention } from "../feed/types";
import type { ClaimEnd } from "./my-claims";

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
