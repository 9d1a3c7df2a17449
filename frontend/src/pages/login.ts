// The login page: POST the credentials as JSON, then go where the user was heading.

import { postJSON } from "../lib/api";
import { byId } from "../lib/dom";

const form = byId<HTMLFormElement>("login-form");
const errorBox = byId("login-error");
const username = byId<HTMLInputElement>("username");
const password = byId<HTMLInputElement>("password");
const submit = form.querySelector<HTMLButtonElement>("button[type=submit]");

/** Only a path on this site: an open redirect would make our login page a phishing aid. */
function localPath(value: string | undefined): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) {
    return "/";
  }
  return value;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  errorBox.textContent = "";
  if (submit) submit.disabled = true;
  form.setAttribute("aria-busy", "true");
  try {
    await postJSON("/api/auth/login", {
      username: username.value.trim(),
      password: password.value,
    });
    window.location.assign(localPath(form.dataset.next));
  } catch (error) {
    errorBox.textContent = error instanceof Error ? error.message : String(error);
    if (submit) submit.disabled = false;
    form.removeAttribute("aria-busy");
    // Keep the username; the password is what usually needs retyping.
    password.focus();
    password.select();
  }
});
