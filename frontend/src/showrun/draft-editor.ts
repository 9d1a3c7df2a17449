// One draft open for editing below the sheet: a text per network for each post of its
// thread with each network's live counter, tags, note (not for viewers), images with alt
// text, history with restore, submit and approve. Saves carry If-Match; a 412 opens the
// conflict view (mine, theirs and the version I started from side by side) with a merge
// proposed in the fields, saved against the new version. Presence: a heartbeat every 5 s.

import type { Network } from "../compose/length";
import { showCount } from "./counter";
import { el } from "../lib/dom";
import { DraftConflict, getJSON, postJSON, uploadImage, withVersion } from "./api";
import { ImageLibrary, imageStrip } from "./draft-images";
import { type DraftFields, clearLocalEdit, readLocalEdit, writeLocalEdit } from "./local-edits";
import { mergeContent, mergeText, mergeValue } from "./merge";
import { canDirect, canWrite } from "./roles";
import type { Draft, DraftContent } from "./types";

export interface EditorContext {
  eventId: number;
  role: string;
  me: string;
  networks(): string[];
  draft(id: number): Draft | undefined;
  /** The sheet's cues in running order, to attach the draft to one. */
  cues(): { id: number; title: string }[];
}

interface Conflict {
  base: DraftFields;
  mine: DraftFields;
  theirs: DraftFields;
  conflicts: number;
}

const HEARTBEAT_MS = 5_000;
const fieldsOf = (draft: Draft): DraftFields => ({
  title: draft.title,
  content: structuredClone(draft.content),
  tags: [...draft.tags],
  note: draft.note ?? "",
});

export class DraftEditor {
  private draft: Draft | null = null;
  private base: DraftFields | null = null;
  private fields: DraftFields | null = null;
  private conflict: Conflict | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private message = "";
  private editors: (id: number) => string[] = () => [];
  private readonly images: ImageLibrary;

  constructor(
    private readonly slot: HTMLElement,
    private readonly context: EditorContext,
  ) {
    this.images = new ImageLibrary(context.eventId);
  }

  /** Write a new draft on `cueId` (or on no cue), then open it. */
  create(cueId: number | null): void {
    const first = this.context.networks()[0] ?? "x";
    const body = { title: "New draft", cue_id: cueId, content: { posts: [{ texts: { [first]: "" }, attachment_ids: [] }] } };
    postJSON<Draft>(`/api/events/${this.context.eventId}/drafts`, body).then(
      (draft) => this.show(draft),
      (error: unknown) => this.fail(error),
    );
  }

  open(id: number): void {
    getJSON<Draft>(`/api/drafts/${id}`).then(
      (draft) => this.show(draft),
      (error: unknown) => this.fail(error),
    );
  }

  close(): void {
    if (this.draft && canWrite(this.context.role)) {
      void fetch(`/api/drafts/${this.draft.id}/editing`, { method: "DELETE", credentials: "same-origin" });
    }
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.draft = this.fields = this.base = this.conflict = null;
    this.slot.replaceChildren();
  }

  /** A journal entry changed the open draft: take its status; its text only if I have not typed. */
  refresh(): void {
    if (!this.draft) return;
    const latest = this.context.draft(this.draft.id);
    if (!latest) return;
    if (latest.status !== this.draft.status || latest.approved_version !== this.draft.approved_version) {
      this.draft = { ...this.draft, status: latest.status, approved_version: latest.approved_version };
      this.render();
    }
  }

  presence(editors: (id: number) => string[]): void {
    this.editors = editors;
    const line = this.slot.querySelector(".draft-editing");
    if (line && this.draft) line.textContent = this.presenceText(this.draft.id);
  }

  private presenceText(id: number): string {
    const names = this.editors(id);
    return names.length ? `${names.join(", ")} ${names.length > 1 ? "are" : "is"} editing` : "";
  }

  private show(draft: Draft): void {
    if (this.draft?.id !== draft.id) this.close();
    this.draft = draft;
    this.base = fieldsOf(draft);
    this.fields = fieldsOf(draft);
    this.conflict = null;
    this.message = "";
    const local = readLocalEdit(this.context.eventId, draft.id);
    if (local && JSON.stringify(local.fields) !== JSON.stringify(this.base)) {
      this.fields = local.fields;
      this.base = local.base;
      this.draft = { ...draft, version: local.version };
      this.message = "Your unsaved edit is back from this browser.";
    }
    if (canWrite(this.context.role) && !this.heartbeat) {
      const mark = (): void => {
        if (this.draft) void fetch(`/api/drafts/${this.draft.id}/editing`, { method: "POST", credentials: "same-origin" });
      };
      mark();
      this.heartbeat = setInterval(mark, HEARTBEAT_MS);
    }
    this.render();
  }

  private fail(error: unknown): void {
    if (error instanceof DraftConflict) return this.openConflict(error.current);
    this.message = error instanceof Error ? error.message : String(error);
    const line = this.slot.querySelector(".draft-message");
    if (line) line.textContent = this.message;
    else this.slot.replaceChildren(el("p", "draft-message", this.message));
  }

  private keep(): void {
    if (!this.draft || !this.fields || !this.base) return;
    writeLocalEdit(this.context.eventId, this.draft.id, { version: this.draft.version, base: this.base, fields: this.fields, at: Date.now() });
  }

  /** 412: propose the merge in the fields, keep the three versions on show, adopt the new version. */
  private openConflict(current: Draft): void {
    if (!this.fields || !this.base) return;
    const theirs = fieldsOf(current);
    const content = mergeContent(this.base.content, this.fields.content, theirs.content);
    const title = mergeText(this.base.title, this.fields.title, theirs.title);
    const note = mergeText(this.base.note, this.fields.note, theirs.note);
    const tags = mergeValue(this.base.tags, this.fields.tags, theirs.tags, (a, b) => a.join("\n") === b.join("\n"));
    this.conflict = {
      base: this.base,
      mine: this.fields,
      theirs,
      conflicts: content.conflicts + title.conflicts + note.conflicts + (tags.conflict ? 1 : 0),
    };
    const who = current.updated_by?.display_name ?? "Someone";
    this.draft = current;
    this.base = theirs;
    this.fields = { title: title.text, content: content.content, tags: tags.value, note: note.text };
    this.message = `${who} saved version ${current.version} meanwhile. The merge is in the fields: check it, then save.`;
    this.keep();
    this.render();
  }

  private save(): void {
    const { draft, fields } = this;
    if (!draft || !fields) return;
    const body: Record<string, unknown> = { title: fields.title, content: fields.content, tags: fields.tags };
    if (draft.note !== undefined) body.note = fields.note;
    withVersion<Draft>("PATCH", `/api/drafts/${draft.id}`, draft.version, body).then(
      (saved) => {
        clearLocalEdit(this.context.eventId, saved.id);
        this.show(saved);
        this.message = `Saved version ${saved.version}.`;
        this.render();
      },
      (error: unknown) => this.fail(error),
    );
  }

  private act(path: string, versioned: boolean, done: string): void {
    const draft = this.draft;
    if (!draft) return;
    const call = versioned
      ? withVersion<Draft>("POST", `/api/drafts/${draft.id}/${path}`, draft.version)
      : postJSON<Draft>(`/api/drafts/${draft.id}/${path}`);
    call.then(
      (answer) => {
        this.draft = { ...draft, ...answer, version: draft.version };
        this.message = done;
        this.render();
      },
      (error: unknown) => this.fail(error),
    );
  }

  private render(): void {
    const { draft, fields } = this;
    if (!draft || !fields) return;
    const writable = canWrite(this.context.role) && draft.status !== "published";
    const form = el("form", "draft-editor");
    form.dataset.draftId = String(draft.id);
    form.setAttribute("aria-label", `Draft ${draft.title}`);
    const head = el("div", "draft-editor-head");
    head.append(el("strong", undefined, `Draft · version ${draft.version}`), el("span", `draft-status draft-${draft.status}`, draft.status.replace("_", " ")));
    const editing = el("span", "draft-editing", this.presenceText(draft.id));
    head.append(editing);
    form.append(head);
    if (this.conflict) form.append(this.conflictView(this.conflict));
    const title = el("input", "draft-title");
    title.value = fields.title;
    title.setAttribute("aria-label", "Title");
    title.addEventListener("input", () => {
      fields.title = title.value;
      this.keep();
    });
    form.append(title, this.cueChoice(draft, writable));
    fields.content.posts.forEach((_, index) => form.append(this.postEditor(fields.content, index, writable)));
    if (writable && fields.content.posts.length < 25) {
      const add = el("button", undefined, "Add a post to the thread");
      add.type = "button";
      add.addEventListener("click", () => {
        fields.content.posts.push({ texts: Object.fromEntries(this.context.networks().map((n) => [n, ""])), attachment_ids: [] });
        this.keep();
        this.render();
      });
      form.append(add);
    }
    const tags = el("input", "draft-tags");
    tags.setAttribute("aria-label", "Tags, separated by commas");
    tags.placeholder = "tags, separated by commas";
    tags.value = fields.tags.join(", ");
    tags.addEventListener("input", () => {
      fields.tags = tags.value.split(",").map((tag) => tag.trim()).filter(Boolean);
      this.keep();
    });
    form.append(tags);
    if (draft.note !== undefined) {
      const note = el("textarea", "draft-note");
      note.setAttribute("aria-label", "Note (for the team)");
      note.placeholder = "Note for the team";
      note.value = fields.note;
      note.addEventListener("input", () => {
        fields.note = note.value;
        this.keep();
      });
      form.append(note);
    }
    if (draft.approved_content && canDirect(this.context.role)) form.append(this.approvedChange(draft.approved_content, fields.content));
    for (const input of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("input, textarea")) input.readOnly = !writable;
    form.append(this.actions(draft, writable), el("p", "draft-message", this.message), el("section", "draft-history"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
    this.slot.replaceChildren(form);
  }

  /** Which cue the draft goes out with: a change is saved at once (no approval needed). */
  private cueChoice(draft: Draft, writable: boolean): HTMLElement {
    const label = el("label", "draft-cue", "Cue");
    const choice = el("select");
    choice.name = "cue";
    choice.disabled = !writable;
    const none = el("option", undefined, "No cue");
    none.value = "";
    choice.append(none);
    for (const cue of this.context.cues()) {
      const option = el("option", undefined, cue.title);
      option.value = String(cue.id);
      choice.append(option);
    }
    choice.value = draft.cue_id === null ? "" : String(draft.cue_id);
    choice.addEventListener("change", () => {
      const cueId = choice.value ? Number(choice.value) : null;
      withVersion<Draft>("PATCH", `/api/drafts/${draft.id}`, draft.version, { cue_id: cueId }).then(
        (moved) => {
          // Moving keeps my unsaved text: only the version and the place change.
          if (this.draft && this.base) {
            this.draft = { ...this.draft, cue_id: moved.cue_id, version: moved.version };
            this.message = cueId === null ? "Taken off its cue." : "Attached to the cue.";
            this.keep();
            this.render();
          }
        },
        (error: unknown) => this.fail(error),
      );
    });
    label.append(choice);
    return label;
  }

  private postEditor(content: DraftContent, index: number, writable: boolean): HTMLElement {
    const post = content.posts[index];
    const box = el("fieldset", "draft-post");
    if (!post) return box;
    box.append(el("legend", undefined, `Post ${index + 1} of ${content.posts.length}`));
    for (const network of this.context.networks() as Network[]) {
      const label = el("label", "draft-text", network);
      const text = el("textarea");
      text.name = `post-${index}-${network}`;
      text.rows = 3;
      text.value = post.texts[network] ?? "";
      const counter = el("span", "draft-counter");
      const count = (): void => {
        showCount(counter, network, text.value);
      };
      text.addEventListener("input", () => {
        post.texts[network] = text.value;
        count();
        this.keep();
      });
      count();
      label.append(text, counter);
      box.append(label);
    }
    if (post.attachment_ids.length) box.append(this.imagesOf(post, writable));
    if (!writable) return box;
    const row = el("div", "draft-post-actions");
    const button = (text: string, run: () => void, disabled = false): void => {
      const node = el("button", undefined, text);
      node.type = "button";
      node.disabled = disabled;
      node.addEventListener("click", () => {
        run();
        this.keep();
        this.render();
      });
      row.append(node);
    };
    const swap = (a: number, b: number): void => {
      const posts = content.posts;
      [posts[a], posts[b]] = [posts[b] as (typeof posts)[number], posts[a] as (typeof posts)[number]];
    };
    button("Move up", () => swap(index, index - 1), index === 0);
    button("Move down", () => swap(index, index + 1), index === content.posts.length - 1);
    button("Remove", () => content.posts.splice(index, 1), content.posts.length === 1);
    const file = el("input");
    file.type = "file";
    file.accept = "image/jpeg,image/png,image/gif,image/webp";
    file.setAttribute("aria-label", `Image for post ${index + 1}`);
    const alt = el("input");
    alt.placeholder = "Alt text";
    alt.setAttribute("aria-label", `Alt text for post ${index + 1}`);
    const attach = el("button", undefined, "Attach image");
    attach.type = "button";
    attach.addEventListener("click", () => {
      const chosen = file.files?.[0];
      if (!chosen) return;
      uploadImage(this.context.eventId, chosen, alt.value).then(
        (image) => {
          this.images.add(image);
          post.attachment_ids.push(image.id);
          this.keep();
          this.render();
        },
        (error: unknown) => this.fail(error),
      );
    });
    row.append(file, alt, attach);
    box.append(row);
    return box;
  }

  private imagesOf(post: DraftContent["posts"][number], writable: boolean): HTMLElement {
    const options = {
      writable,
      remove: (id: number): void => {
        post.attachment_ids = post.attachment_ids.filter((held) => held !== id);
        this.keep();
        this.render();
      },
    };
    const strip = imageStrip(post.attachment_ids, this.images, options);
    // Images uploaded elsewhere are drawn by id first, then with their alt text once read.
    if (post.attachment_ids.some((id) => !this.images.get(id))) {
      void this.images.ensure(post.attachment_ids).then(() => {
        if (strip.isConnected) strip.replaceWith(imageStrip(post.attachment_ids, this.images, options));
      });
    }
    return strip;
  }

  private actions(draft: Draft, writable: boolean): HTMLElement {
    const row = el("div", "draft-actions");
    const button = (text: string, run: () => void, kind?: string): void => {
      const node = el("button", kind, text);
      node.type = kind === "primary" ? "submit" : "button";
      if (kind !== "primary") node.addEventListener("click", run);
      row.append(node);
    };
    if (writable) {
      button(this.conflict ? "Save the merge" : "Save", () => this.save(), "primary");
      if (draft.status === "draft") button("Submit for approval", () => this.act("submit", false, "Submitted."));
    }
    if (canDirect(this.context.role) && draft.status !== "approved" && draft.status !== "published") {
      button("Approve", () => this.act("approve", true, "Approved."));
    }
    button("History", () => this.history(draft));
    button("Close", () => this.close());
    return row;
  }

  private history(draft: Draft): void {
    getJSON<{ version: number; summary: string; author: { display_name: string } | null; created_at: string }[]>(
      `/api/drafts/${draft.id}/versions`,
    ).then(
      (versions) => {
        const box = this.slot.querySelector(".draft-history");
        if (!box) return;
        const list = el("ol", "draft-versions");
        for (const version of versions) {
          const item = el("li", undefined, `v${version.version} · ${version.summary} · ${version.author?.display_name ?? ""}`);
          if (canWrite(this.context.role) && version.version !== draft.version) {
            const restore = el("button", undefined, "Restore");
            restore.type = "button";
            restore.addEventListener("click", () =>
              withVersion<Draft>("POST", `/api/drafts/${draft.id}/versions/${version.version}/restore`, draft.version).then(
                (saved) => this.show(saved),
                (error: unknown) => this.fail(error),
              ),
            );
            item.append(restore);
          }
          list.append(item);
        }
        box.replaceChildren(el("h4", undefined, "History"), list);
      },
      (error: unknown) => this.fail(error),
    );
  }

  private conflictView(conflict: Conflict): HTMLElement {
    const box = el("section", "draft-conflict");
    box.setAttribute("aria-label", "Conflict");
    const overlapping = conflict.conflicts
      ? `${conflict.conflicts} overlapping edit(s) are between <<<<<<< and >>>>>>> markers: settle them before saving.`
      : "The edits did not overlap: both are in the merge.";
    box.append(el("p", "draft-conflict-summary", overlapping));
    const columns = el("div", "draft-conflict-columns");
    for (const [label, fields] of [
      ["Mine", conflict.mine],
      ["Theirs", conflict.theirs],
      ["Version I started from", conflict.base],
    ] as const) {
      const column = el("div", "draft-conflict-column");
      column.dataset.side = label;
      column.append(el("h4", undefined, label), el("pre", undefined, describe(fields)));
      columns.append(column);
    }
    box.append(columns);
    return box;
  }

  private approvedChange(approved: DraftContent, now: DraftContent): HTMLElement {
    const box = el("section", "draft-approved-change");
    box.append(el("h4", undefined, "Changed since approval"));
    const columns = el("div", "draft-conflict-columns");
    for (const [label, content] of [
      ["Approved", approved],
      ["Now", now],
    ] as const) {
      const column = el("div", "draft-conflict-column");
      column.append(el("h4", undefined, label), el("pre", undefined, describeContent(content)));
      columns.append(column);
    }
    box.append(columns);
    return box;
  }
}

function describeContent(content: DraftContent): string {
  return content.posts
    .map((post, index) => {
      const texts = Object.entries(post.texts).map(([network, text]) => `${network}: ${text ?? ""}`);
      return [`Post ${index + 1}`, ...texts].join("\n");
    })
    .join("\n\n");
}

function describe(fields: DraftFields): string {
  return [`Title: ${fields.title}`, describeContent(fields.content), `Tags: ${fields.tags.join(", ")}`].join("\n");
}
