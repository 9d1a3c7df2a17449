// What every logged-in page shares: the logout button and times shown in local time.

import { ApiError, postJSON } from "./api";
import { formatDateTime } from "./time";

export function wireLogout(root: ParentNode = document): void {
  const message = root.querySelector<HTMLElement>("[data-logout-error]");
  for (const button of root.querySelectorAll<HTMLButtonElement>("[data-logout]")) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      if (message) message.textContent = "";
      try {
        await postJSON("/api/auth/logout");
      } catch (error) {
        // 401: the session had already ended, which is what the user asked for.
        if (!(error instanceof ApiError && error.status === 401)) {
          const reason = error instanceof Error ? error.message : String(error);
          if (message) message.textContent = `Not logged out: ${reason}`;
          button.disabled = false;
          return;
        }
      }
      window.location.assign("/login");
    });
  }
}

/** The server renders UTC; the desk works in the local clock. */
export function localizeTimes(root: ParentNode = document): void {
  for (const node of root.querySelectorAll<HTMLTimeElement>("time[data-local]")) {
    const date = new Date(node.dateTime);
    if (!Number.isNaN(date.getTime())) {
      node.textContent = formatDateTime(date);
      node.title = node.dateTime;
    }
  }
}

export function startShell(): void {
  wireLogout();
  localizeTimes();
}

/** Back to the login page, then here again: the session ended while the page was open. */
export function goToLogin(): void {
  const next = encodeURIComponent(window.location.pathname + window.location.search);
  window.location.assign(`/login?next=${next}`);
}
