// The show run's calls. Drafts are saved with If-Match (their version): a stale one answers
// 412 with the draft as it is now, which the editor turns into the conflict view.

import { ApiError, getJSON, postJSON, request } from "../lib/api";
import type { Cue, Draft, Post } from "./types";

export { getJSON, postJSON, request };

/** A 412: someone saved the draft since the version this editor holds. */
export class DraftConflict extends Error {
  constructor(readonly current: Draft) {
    super("Someone saved this draft meanwhile.");
    this.name = "DraftConflict";
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/** A call on a draft at `version`: PATCH, DELETE, restore, approve. */
export async function withVersion<T>(method: string, url: string, version: number, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", "If-Match": `"${version}"` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    throw new ApiError(0, "Cannot reach the server. Check the connection and try again.");
  }
  const data = await readBody(response);
  if (response.status === 412) throw new DraftConflict(data as Draft);
  if (!response.ok) {
    const detail = (data as { detail?: unknown } | null)?.detail;
    throw new ApiError(response.status, typeof detail === "string" ? detail : `The server answered ${response.status}.`, data);
  }
  return data as T;
}

export interface Attachment {
  id: number;
  url: string;
  alt_text: string | null;
  media_type: string;
}

export async function uploadImage(eventId: number, file: File, altText: string): Promise<Attachment> {
  const form = new FormData();
  form.append("file", file);
  form.append("alt_text", altText);
  const response = await fetch(`/api/events/${eventId}/attachments`, {
    method: "POST",
    credentials: "same-origin",
    body: form,
  });
  const data = await readBody(response);
  if (!response.ok) {
    const detail = (data as { detail?: unknown } | null)?.detail;
    throw new ApiError(response.status, typeof detail === "string" ? detail : "The image was refused.", data);
  }
  return data as Attachment;
}

export interface Snapshot {
  cues: Cue[];
  drafts: Draft[];
  posts: Post[];
  networks: string[];
  quickPostsNeedApproval: boolean;
}

export async function readSnapshot(eventId: number): Promise<Snapshot> {
  const base = `/api/events/${eventId}`;
  const [sheet, drafts, posts, event] = await Promise.all([
    getJSON<{ cues: Cue[] }>(`${base}/cues`),
    getJSON<Draft[]>(`${base}/drafts`),
    getJSON<{ posts: Post[] }>(`${base}/posts`),
    getJSON<{ networks?: string[]; quick_posts_need_approval?: boolean }>(base),
  ]);
  return {
    cues: sheet.cues,
    drafts,
    posts: posts.posts,
    networks: event.networks ?? ["x", "mastodon", "bluesky"],
    quickPostsNeedApproval: Boolean(event.quick_posts_need_approval),
  };
}
