// The shapes the public API gives the console (app/mentions/schemas.py, app/events/schemas.py).

export interface Author {
  handle: string;
  name: string;
  followers: number;
  verified: boolean;
  avatar_url: string | null;
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
  state: string;
}

export interface EventInfo {
  id: number;
  name: string;
  hashtags: string[];
  status: string;
  last_seq: number;
}

export interface MentionPage {
  items: Mention[];
  has_more: boolean;
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
