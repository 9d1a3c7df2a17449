// The show run's shapes as the API gives them (docs/drafts.md, docs/cues.md).

import type { Network } from "../compose/length";

export interface Person {
  id: number;
  username: string;
  display_name: string;
}

export type DraftStatus = "draft" | "in_review" | "approved" | "published";

export interface DraftPost {
  texts: Partial<Record<Network, string>>;
  attachment_ids: number[];
}

export interface DraftContent {
  posts: DraftPost[];
}

export interface Draft {
  id: number;
  event_id: number;
  cue_id: number | null;
  position: number;
  title: string;
  content: DraftContent;
  tags: string[];
  /** Absent for viewers. */
  note?: string | null;
  status: DraftStatus;
  version: number;
  approved_version: number | null;
  approved_by: Person | null;
  approved_at: string | null;
  /** Only on GET /api/drafts/{id}: the approved content when it has changed since. */
  approved_content?: DraftContent | null;
  updated_by?: Person | null;
}

export type CueTrigger = "manual" | "at_time" | "show_offset";

export interface CueDraftSummary {
  id: number;
  title: string;
  status: string;
  networks: string[];
}

export interface Cue {
  id: number;
  event_id: number;
  title: string;
  position: number;
  trigger: CueTrigger;
  fire_at: string | null;
  offset_seconds: number | null;
  due_at: string | null;
  armed: boolean;
  fire_count: number;
  fired_at: string | null;
  fired_by: Person | null;
  note?: string | null;
  drafts: CueDraftSummary[];
}

export type PostStatus = "queued" | "sending" | "retrying" | "published" | "failed";

export interface Post {
  id: number;
  event_id: number;
  draft_id: number | null;
  cue_id: number | null;
  cue_firing: number;
  network: string;
  thread_index: number;
  text: string;
  status: PostStatus;
  attempts: number;
  last_error: string | null;
  external_id: string | null;
  external_url: string | null;
  dry_run: boolean | null;
  created_at: string;
  published_at: string | null;
}

export interface NotPublished {
  draft_id: number;
  status: string;
  reason: string;
}

/** What one firing of a cue did, from `cue.fired` or the fire call's answer. */
export interface Firing {
  firing: number;
  postIds: number[];
  notPublished: NotPublished[];
  bySchedule: boolean;
  firedBy: Person | null;
}
