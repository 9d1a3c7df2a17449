// The small box under the feed for a tag or a note on one mention: t opens it for a tag,
// shift+N for a note; Enter adds (the form's submit), Escape closes it (keyboard/keys.ts).
// One box for both, its label saying which and on whose mention.

export type AnnotationKind = "tag" | "note";

export interface AnnotationElements {
  form: HTMLFormElement;
  label: HTMLElement;
  input: HTMLInputElement;
  add: HTMLButtonElement;
}

// The server's limits: a tag is at most 40 characters (app/mentions/tags.py), a note 2,000
// (app/triage/schemas.py). What a tag may hold is the server's to say, in the status line.
const MAX_LENGTH: Record<AnnotationKind, number> = { tag: 40, note: 2_000 };

/** "Tag @ana's mention", "Note on @ana's mention (internal, never sent)". */
export function annotationLabel(kind: AnnotationKind, what: string): string {
  return kind === "tag" ? `Tag ${what}` : `Note on ${what} (internal, never sent)`;
}

export class AnnotationBox {
  /** What the box was last opened for ("tag:42"): its text is kept while that stays. */
  private opened = "";

  constructor(
    private readonly ui: AnnotationElements,
    onSubmit: (text: string) => void,
  ) {
    ui.form.addEventListener("submit", (event) => {
      event.preventDefault();
      onSubmit(ui.input.value);
    });
  }

  get isOpen(): boolean {
    return !this.ui.form.hidden;
  }

  get hasFocus(): boolean {
    return this.ui.form.contains(document.activeElement);
  }

  get kind(): AnnotationKind | null {
    return this.isOpen ? (this.ui.form.dataset.kind as AnnotationKind) : null;
  }

  /** Shows the box for a tag or a note on `mentionId` (named `what`) and focuses it. */
  open(kind: AnnotationKind, mentionId: number, what: string): void {
    const key = `${kind}:${mentionId}`;
    if (key !== this.opened) this.ui.input.value = "";
    this.opened = key;
    const { form, label, input } = this.ui;
    form.dataset.kind = kind;
    label.textContent = annotationLabel(kind, what);
    input.maxLength = MAX_LENGTH[kind];
    input.placeholder = kind === "tag" ? "e.g. complaint" : "For the team only";
    input.spellcheck = kind === "note";
    this.setBusy(false);
    form.hidden = false;
    input.focus();
  }

  close(): void {
    this.ui.form.hidden = true;
    this.ui.input.value = "";
    this.opened = "";
    this.setBusy(false);
  }

  /** While the server answers: the text stays as typed, and Enter does not send it twice. */
  setBusy(busy: boolean): void {
    this.ui.input.readOnly = busy;
    this.ui.add.disabled = busy;
    this.ui.form.setAttribute("aria-busy", String(busy));
  }

  focus(): void {
    this.ui.input.focus();
  }
}
