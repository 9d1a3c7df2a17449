// The frames of WS /ws/events/{id} (docs/stream.md), checked at the door so that the rest of
// the console can trust their shape.

export interface JournalEntry {
  seq: number;
  type: string;
  at: string;
  actor: string | null;
  data: Record<string, unknown>;
}

export interface PresenceUser {
  username: string;
  display_name: string;
  role: string | null;
  connections: number;
  viewing: string[];
  /** What they are typing a reply to (`mention:42`): a subset of `viewing`. */
  typing: string[];
  /** The drafts they have open in the editor (draft ids; docs/drafts.md, presence). */
  editing?: number[];
}

export type ServerFrame =
  | {
      type: "hello";
      connection_id: string;
      event_id: number;
      last_seq: number;
      /** The history the seqs belong to; null from a server without epochs. */
      epoch: string | null;
    }
  | { type: "entries"; entries: JournalEntry[] }
  | { type: "presence"; users: PresenceUser[] }
  | { type: "reset"; reason: string; last_seq: number; epoch: string | null }
  | { type: "ping" }
  | { type: "pong" }
  | { type: "error"; message: string };

type Loose = Record<string, unknown>;

const isObject = (value: unknown): value is Loose =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isSeq = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

function isEntry(value: unknown): value is JournalEntry {
  return (
    isObject(value) &&
    isSeq(value.seq) &&
    typeof value.type === "string" &&
    typeof value.at === "string" &&
    isObject(value.data)
  );
}

const epochOf = (value: unknown): string | null =>
  typeof value === "string" && value !== "" ? value : null;

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];

function presenceUser(value: unknown): PresenceUser | null {
  if (!isObject(value) || typeof value.username !== "string") return null;
  return {
    username: value.username,
    display_name: typeof value.display_name === "string" ? value.display_name : value.username,
    role: typeof value.role === "string" ? value.role : null,
    connections: typeof value.connections === "number" ? value.connections : 1,
    viewing: strings(value.viewing),
    // A server from before typing presence sends none: nobody is typing.
    typing: strings(value.typing),
    editing: Array.isArray(value.editing) ? value.editing.map(Number).filter(Number.isInteger) : [],
  };
}

/** The frame, or null for anything this console does not understand. */
export function parseFrame(text: string): ServerFrame | null {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(frame)) return null;
  switch (frame.type) {
    case "hello":
      return isSeq(frame.last_seq) && typeof frame.event_id === "number"
        ? {
            type: "hello",
            connection_id: String(frame.connection_id ?? ""),
            event_id: frame.event_id,
            last_seq: frame.last_seq,
            epoch: epochOf(frame.epoch),
          }
        : null;
    case "entries":
      return Array.isArray(frame.entries) && frame.entries.every(isEntry)
        ? { type: "entries", entries: frame.entries }
        : null;
    case "presence":
      return Array.isArray(frame.users)
        ? {
            type: "presence",
            users: frame.users.map(presenceUser).filter((u): u is PresenceUser => u !== null),
          }
        : null;
    case "reset":
      return isSeq(frame.last_seq)
        ? {
            type: "reset",
            reason: String(frame.reason ?? ""),
            last_seq: frame.last_seq,
            epoch: epochOf(frame.epoch),
          }
        : null;
    case "ping":
    case "pong":
      return { type: frame.type };
    case "error":
      return { type: "error", message: String(frame.message ?? "") };
    default:
      return null;
  }
}
