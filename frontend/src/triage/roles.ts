// What a role may do at the desk (app/auth/deps.py): a viewer watches the feed; operators
// claim, answer, flag, tag and note; producers and admins may also take a claim over from
// whoever holds it. The server checks every call; this only spares a refusal.

import type { Command } from "../keyboard/keys";

export interface Powers {
  /** Claim, answer, dismiss, flag, tag and note. */
  write: boolean;
  /** Take over a mention someone else holds (POST …/claim {"take_over": true}). */
  takeOver: boolean;
}

const PRODUCER_ROLES: ReadonlySet<string> = new Set(["producer", "admin"]);
const ANSWERING = new Set<Command>(["claim", "reply", "claim-next", "dismiss", "take-over"]);
const ANNOTATING = new Set<Command>(["flag", "tag", "note"]);

/** The desk's `data-role`; an unknown role is left to the server to refuse. */
export function powersOf(role: string | undefined): Powers {
  return { write: role !== "viewer", takeOver: PRODUCER_ROLES.has(role ?? "") };
}

/** Why this role may not do what the key asks, for the status line; null when it may. */
export function refusalFor(command: Command, powers: Powers): string | null {
  if (!powers.write && ANSWERING.has(command)) {
    return "Viewers follow the feed; claiming and answering are for operators.";
  }
  if (!powers.write && ANNOTATING.has(command)) {
    return "Viewers follow the feed; flags, tags and notes are for operators.";
  }
  if (command === "take-over" && !powers.takeOver) {
    return "Only a producer or an admin can take over a claim.";
  }
  return null;
}
