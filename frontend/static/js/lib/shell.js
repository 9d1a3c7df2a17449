// What every logged-in page shares: the logout button and times shown in local time.

import { ApiError, postJSON } from "./api.js";
import { formatDateTime } from "./time.js";

export function wireLogout(root = document) {
  const message = root.querySelector("[data-logout-error]");
  for (const button of root.querySelectorAll("[data-logout]")) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      if (message) message.textContent = "";
      try {
        await postJSON("/api/auth/logout");
      } catch (error) {
        // 401: the session had already ended, which is what the user asked for.
        if (!(error instanceof ApiError && error.status === 401)) {
          if (message) message.textContent = `Not logged out: ${error.message}`;
          button.disabled = false;
          return;
        }
      }
      window.location.assign("/login");
    });
  }
}

/** The server renders UTC; the desk works in the local clock. */
export function localizeTimes(root = document) {
  for (const node of root.querySelectorAll("time[data-local]")) {
    const date = new Date(node.dateTime);
    if (!Number.isNaN(date.getTime())) {
      node.textContent = formatDateTime(date);
      node.title = node.dateTime;
    }
  }
}

export function startShell() {
  wireLogout();
  localizeTimes();
}
