// The filter controls, read into a `Filters` value whenever one of them changes.

import { el } from "../lib/dom";
import { type Filters, primaryLanguage } from "../feed/filters";
import type { Mention } from "../feed/types";

export interface FilterControls {
  form: HTMLFormElement;
  search: HTMLInputElement;
  verified: HTMLInputElement;
  followers: HTMLSelectElement;
  lang: HTMLSelectElement;
}

// Typing a word should not rebuild the list once per letter at the height of a flood.
const SEARCH_DEBOUNCE_MS = 120;

const languageNames = new Intl.DisplayNames(["en"], { type: "language" });

function languageName(code: string): string {
  try {
    return languageNames.of(code) ?? code;
  } catch {
    return code;
  }
}

export class FilterBar {
  private languages = new Set<string>();
  private searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly controls: FilterControls,
    private readonly onChange: (filters: Filters) => void,
  ) {
    const { form, search } = controls;
    form.addEventListener("submit", (event) => event.preventDefault());
    form.addEventListener("change", (event) => {
      if (event.target !== search) this.emit();
    });
    search.addEventListener("input", () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => this.emit(), SEARCH_DEBOUNCE_MS);
    });
  }

  read(): Filters {
    const { form, search, verified, followers, lang } = this.controls;
    const hidden = new Set<string>();
    for (const box of form.querySelectorAll<HTMLInputElement>("input[name=network]")) {
      if (!box.checked) hidden.add(box.value);
    }
    return {
      hiddenNetworks: hidden,
      query: search.value,
      verifiedOnly: verified.checked,
      minFollowers: Number(followers.value) || 0,
      lang: lang.value,
    };
  }

  /** Languages appear in the menu as mentions in them arrive, sorted by name. */
  noteLanguages(mentions: readonly Mention[]): void {
    let grew = false;
    for (const mention of mentions) {
      const code = primaryLanguage(mention.lang);
      if (code && !this.languages.has(code)) {
        this.languages.add(code);
        grew = true;
      }
    }
    if (!grew) return;
    const select = this.controls.lang;
    const chosen = select.value;
    const options = [...this.languages]
      .map((code) => ({ code, name: languageName(code) }))
      .sort((a, b) => a.name.localeCompare(b.name, "en"))
      .map(({ code, name }) => {
        const option = el("option", undefined, name);
        option.value = code;
        return option;
      });
    const any = el("option", undefined, "Any language");
    any.value = "";
    select.replaceChildren(any, ...options);
    select.value = chosen;
  }

  private emit(): void {
    clearTimeout(this.searchTimer);
    this.onChange(this.read());
  }
}
