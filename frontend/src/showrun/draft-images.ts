// A post's images in the draft editor: each one seen (a thumbnail), its alt text editable,
// and removable from this post. The alt text belongs to the image, so a change is saved at
// once (PATCH) and holds for every draft that sends it; the server refuses one a network the
// image goes to would not take, and the field says why.

import { el } from "../lib/dom";
import { getJSON, request, type Attachment } from "./api";

/** The event's images by id: read when one is missing, and added to by this console's
 * uploads and alt text changes. */
export class ImageLibrary {
  private readonly known = new Map<number, Attachment>();
  private loading: Promise<void> | null = null;

  constructor(private readonly eventId: number) {}

  /** Resolves once `ids` are known, reading the event's images again if one is not (one
   * read at a time); an image it still lacks is drawn without its alt text. */
  ensure(ids: readonly number[]): Promise<void> {
    if (ids.every((id) => this.known.has(id))) return Promise.resolve();
    this.loading ??= getJSON<{ attachments: Attachment[] }>(`/api/events/${this.eventId}/attachments`)
      .then(
        (answer) => {
          for (const image of answer.attachments) this.known.set(image.id, image);
        },
        () => undefined,
      )
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }

  add(image: Attachment): void {
    this.known.set(image.id, image);
  }

  get(id: number): Attachment | undefined {
    return this.known.get(id);
  }
}

export interface StripOptions {
  writable: boolean;
  /** Take the image off this post (the draft is saved with the editor's Save). */
  remove(id: number): void;
}

/** The images of one post, in order. */
export function imageStrip(ids: readonly number[], library: ImageLibrary, options: StripOptions): HTMLElement {
  const strip = el("ul", "draft-images");
  strip.setAttribute("aria-label", "Images");
  ids.forEach((id, index) => strip.append(imageItem(id, index, library, options)));
  return strip;
}

function imageItem(id: number, index: number, library: ImageLibrary, options: StripOptions): HTMLElement {
  const item = el("li", "draft-image");
  item.dataset.attachmentId = String(id);
  const image = library.get(id);
  const thumb = el("img", "draft-image-thumb");
  thumb.src = image?.url ?? `/api/attachments/${id}`;
  thumb.alt = image?.alt_text || `Image ${index + 1} (no alt text)`;
  thumb.loading = "lazy";
  item.append(thumb);
  if (!options.writable) {
    item.append(el("span", "draft-image-alt", image?.alt_text || "No alt text"));
    return item;
  }
  const alt = el("input", "draft-image-alt");
  alt.value = image?.alt_text ?? "";
  alt.placeholder = "Alt text";
  alt.setAttribute("aria-label", `Alt text of image ${index + 1}`);
  const said = el("span", "draft-image-message");
  said.setAttribute("role", "status");
  alt.addEventListener("change", () => {
    request<Attachment>("PATCH", `/api/attachments/${id}`, { alt_text: alt.value }).then(
      (saved) => {
        library.add(saved);
        thumb.alt = saved.alt_text || thumb.alt;
        said.textContent = "Alt text saved.";
      },
      (error: unknown) => {
        said.textContent = error instanceof Error ? error.message : String(error);
      },
    );
  });
  const remove = el("button", undefined, "Remove image");
  remove.type = "button";
  remove.setAttribute("aria-label", `Remove image ${index + 1}`);
  remove.addEventListener("click", () => options.remove(id));
  item.append(alt, remove, said);
  return item;
}
