// The board beside the replayed feed: who held what, what was being answered, what was
// posted. Drawn from the state's board, whole, at most once a frame (it is a few dozen rows).

import { el } from "../lib/dom";
import type { Reply } from "../feed/types";
import type { BoardState } from "./board";
import type { ReplayState } from "./state";

export interface BoardElements {
  claims: HTMLElement;
  replies: HTMLElement;
  posts: HTMLElement;
}

const excerpt = (text: string, length = 90): string =>
  text.length > length ? `${text.slice(0, length - 1)}…` : text;

function fill(list: HTMLElement, rows: HTMLElement[], empty: string): void {
  list.replaceChildren(...(rows.length ? rows : [el("li", "board-empty", empty)]));
}

function replyRow(reply: Reply, state: ReplayState): HTMLElement {
  const row = el("li", `board-row reply-${reply.status}`);
  row.dataset.replyId = String(reply.id);
  const who = reply.author?.display_name || reply.author?.username || "someone";
  const about = state.describe(reply.mention_id);
  row.append(
    el("span", "board-who", who),
    el("span", "board-status", reply.status),
    el("span", "board-text", excerpt(reply.text)),
  );
  if (about) row.append(el("span", "board-about", `to @${about.handle}`));
  return row;
}

export function renderBoard(ui: BoardElements, state: ReplayState): void {
  const board: BoardState = state.board.state();
  fill(
    ui.claims,
    board.claims.map((claim) => {
      const row = el("li", "board-row");
      row.dataset.mentionId = String(claim.mention_id);
      const about = state.describe(claim.mention_id);
      row.append(
        el("span", "board-who", claim.holder?.display_name || claim.holder?.username || "?"),
        el("span", "board-text", about ? `@${about.handle}: ${excerpt(about.text)}` : `#${claim.mention_id}`),
      );
      return row;
    }),
    "Nobody held a mention.",
  );
  const replies = [...board.replies, ...[...board.recent_replies].reverse()];
  fill(
    ui.replies,
    replies.map((reply) => replyRow(reply, state)),
    "No reply on its way.",
  );
  fill(
    ui.posts,
    [...board.posts].reverse().map((post) => {
      const row = el("li", `board-row post-${post.status}`);
      row.append(
        el("span", "board-who", post.network),
        el("span", "board-status", post.status),
        el("span", "board-text", excerpt(post.text)),
      );
      return row;
    }),
    "Nothing posted yet.",
  );
}
