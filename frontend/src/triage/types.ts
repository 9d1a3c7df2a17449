// The shapes of the triage API (docs/triage.md, app/triage/schemas.py) that the console reads.

import type { Holder, Mention } from "../feed/types";

/** A claim as its holder sees it: the fence to send back, the lease, the saved draft. */
export interface ClaimGrant {
  mention: Mention;
  holder: Holder;
  fence: number;
  lease_until: string;
  draft: string | null;
}

export interface MyClaimsAnswer {
  claims: ClaimGrant[];
}

/** A saved reply with `{handle}` and `{name}` filled in for one mention's author. */
export interface SavedReply {
  id: number;
  title: string;
  text: string;
  template?: string;
}

export interface SavedReplies {
  saved_replies: SavedReply[];
}

/** What a 409 carries besides its `detail`: who holds the mention, when known. */
export interface Refusal {
  detail: string;
  holder?: Holder | null;
  lease_until?: string | null;
}

/** A mention's tags after a tag was added or removed (app/triage/schemas.py MentionTags). */
export interface MentionTags {
  mention_id: number;
  tags: string[];
}
