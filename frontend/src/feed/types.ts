// The shapes the public API gives the console (app/mentions/schemas.py, app/events/schemas.py).

export interface Author {
  handle: string;
  name: string;
  followers: number;
  verified: boolean;
  avatar_url: string | null;
}

/** Who holds a claim, as the API and the journal name them. */
export interface Holder {
  username: string;
  display_name: string;
}

/** A mention's claim as everyone sees it (app/mentions/schemas.py ClaimPublic). */
export interface Claim {
  holder: Holder;
  lease_until: string;
  fence: number;
}

/** `new`, `claimed`, `replied` or `dismissed`; the last two are final. */
export type MentionState = string;

export const FINAL_STATES: ReadonlySet<MentionState> = new Set(["replied", "dismissed"]);

/** A reply as the API and the journal give it (docs/triage.md). */
export interface Reply {
  id: number;
  mention_id: number;
  event_id: number;
  network: string;
  text: string;
  /** `queued`, `sending`, `published`, `retrying` or `failed`. */
  status: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
  external_id: string | null;
  external_url: string | null;
  dry_run: boolean | null;
  author: Holder | null;
  created_at: string;
  published_at: string | null;
}

/** An internal note on a mention (never sent to a network), as `mention.noted` carries it. */
export interface MentionNote {
  id: number;
  mention_id: number;
  text: string;
  author: Holder | null;
  created_at: string;
}

export interface Mention {
  id: number;
  event_id: number;
  seq: number;
  network: string;
  external_id: string;
  author: Author;
  text: string;
  created_at: string;
  received_at: string;
  lang: string | null;
  url: string | null;
  state: MentionState;
  priority: number;
  /** The first mention of the flood group this one joined (docs/floods.md); null if none. */
  cluster_id?: number | null;
  tags: string[];
  flagged: boolean;
  claim: Claim | null;
  /** Its reply once answered, with how publishing it goes (kept current by the journal). */
  reply?: Reply;
  /** Internal notes for the team, oldest first (kept current by the journal). */
  notes?: MentionNote[];
  /** The network deleted the post (kept, marked) or edited it (text is the new one). */
  deleted_at?: string | null;
  edited_at?: string | null;
  /** Whether the desk's account can answer it through the network's API, and why not. */
  reply_eligibility?: { ok: boolean; reason: string | null };
}

export interface EventInfo {
  id: number;
  name: string;
  hashtags: string[];
  status: string;
  last_seq: number;
  /** The journal's epoch: a resume into another history (a restored database) reloads. */
  journal_epoch: string;
}

export interface MentionPage {
  items: Mention[];
  has_more: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function isHolder(value: unknown): value is Holder {
  return isObject(value) && typeof value.username === "string";
}

export function isClaim(value: unknown): value is Claim {
  return (
    isObject(value) &&
    isHolder(value.holder) &&
    typeof value.lease_until === "string" &&
    typeof value.fence === "number"
  );
}

export function isReply(value: unknown): value is Reply {
  return (
    isObject(value) &&
    typeof value.id === "number" &&
    typeof value.mention_id === "number" &&
    typeof value.status === "string"
  );
}

export function isNote(value: unknown): value is MentionNote {
  return (
    isObject(value) &&
    typeof value.id === "number" &&
    typeof value.mention_id === "number" &&
    typeof value.text === "string"
  );
}

/**
 * The mention with the triage fields every mention has, or null when it is malformed. An
 * older server's entries lack them; the feed shows those as new and unclaimed.
 */
export function readMention(value: unknown): Mention | null {
  if (!isMention(value)) return null;
  value.state = typeof value.state === "string" ? value.state : "new";
  value.priority = typeof value.priority === "number" ? value.priority : 0;
  value.cluster_id = typeof value.cluster_id === "number" ? value.cluster_id : null;
  value.tags = Array.isArray(value.tags) ? value.tags.filter((t) => typeof t === "string") : [];
  value.flagged = value.flagged === true;
  value.claim = isClaim(value.claim) ? value.claim : null;
  if (!isReply(value.reply)) delete value.reply;
  if (Array.isArray(value.notes)) value.notes = value.notes.filter(isNote);
  else delete value.notes;
  return value;
}

/** Enough checking that one odd entry is skipped rather than breaking the feed. */
export function isMention(value: unknown): value is Mention {
  if (!value || typeof value !== "object") return false;
  const item = value as Partial<Mention>;
  return (
    typeof item.id === "number" &&
    typeof item.seq === "number" &&
    typeof item.text === "string" &&
    typeof item.network === "string" &&
    !!item.author &&
    typeof item.author === "object" &&
    typeof item.author.handle === "string"
  );
}
