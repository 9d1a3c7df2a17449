// The replay's calls (docs/replay.md): the overview, a seek, journal pages, bookmarks.

import { getJSON, postJSON, request } from "../lib/api";
import type { EntriesPage, ReplaySource } from "./player";
import type { SeekAnswer } from "./state";
import type { Minutes } from "./timeline";

export interface Marker {
  seq: number;
  kind: "cue" | "post";
  at: string;
  label: string;
}

export interface Spike {
  at: string;
  seq: number;
  mentions: number;
  baseline: number;
}

export interface Bookmark {
  id: number;
  seq: number;
  name: string;
  created_by: { username: string; display_name: string } | null;
  created_at: string;
}

export interface Overview {
  event: { id: number; name: string; hashtags: string[]; on_air_at: string | null };
  last_seq: number;
  first_at: string | null;
  last_at: string | null;
  minutes: Minutes;
  markers: Marker[];
  spikes: Spike[];
  bookmarks: Bookmark[];
}

export class ReplayApi implements ReplaySource {
  private readonly base: string;

  constructor(eventId: number) {
    this.base = `/api/events/${eventId}`;
  }

  overview(): Promise<Overview> {
    return getJSON<Overview>(`${this.base}/replay`);
  }

  seek(seq: number): Promise<SeekAnswer> {
    return getJSON<SeekAnswer>(`${this.base}/replay/seek?seq=${seq}`);
  }

  entries(afterSeq: number): Promise<EntriesPage> {
    return getJSON<EntriesPage>(`${this.base}/replay/entries?after_seq=${afterSeq}`);
  }

  addBookmark(name: string, seq: number): Promise<Bookmark> {
    return postJSON<Bookmark>(`${this.base}/bookmarks`, { name, seq });
  }

  deleteBookmark(id: number): Promise<unknown> {
    return request("DELETE", `/api/bookmarks/${id}`);
  }
}
