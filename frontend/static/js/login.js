// The login page: POST the credentials as JSON, then go where the user was heading.

import { postJSON } from "./lib/api.js";

const form = document.getElementById("login-form");
const errorBox = document.getElementById("login-error");
const submit = form.querySelector("button[type=submit]");

/** Only a path on this site: an open redirect would make our login page a phishing aid. */
function localPath(value) {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) {
    return "/";
  }
  return value;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  errorBox.textContent = "";
  submit.disabled = true;
  form.setAttribute("aria-busy", "true");
  try {
    await postJSON("/api/auth/login", {
      username: form.elements.username.value.trim(),
      password: form.elements.password.value,
    });
    window.location.assign(localPath(form.dataset.next));
  } catch (error) {
    errorBox.textContent = error.message;
    submit.disabled = false;
    form.removeAttribute("aria-busy");
    // Keep the username; the password is what usually needs retyping.
    form.elements.password.focus();
    form.elements.password.select();
  }
});
