// What every setup form does: say what went wrong in its alert line (the server's own
// words), keep the button pressed once while a request is out, and say when it is done.

import { ApiError, request } from "../lib/api";
import { goToLogin } from "../lib/shell";

/** The server's sentence (a 422's `detail` names the fields, docs/api-errors.md). */
export function reasonOf(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) goToLogin();
  return error instanceof Error ? error.message : String(error);
}

/** Runs `action` for the form's submit: one at a time, errors in `errorLine`. */
export function onSubmit(
  form: HTMLFormElement,
  errorLine: HTMLElement,
  action: () => Promise<void>,
): void {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (button?.disabled) return;
    if (button) button.disabled = true;
    errorLine.textContent = "";
    try {
      await action();
    } catch (error) {
      errorLine.textContent = reasonOf(error);
    } finally {
      if (button) button.disabled = false;
    }
  });
}

export const patchJSON = <T>(url: string, body: unknown): Promise<T> =>
  request<T>("PATCH", url, body);
export const putJSON = <T>(url: string, body: unknown): Promise<T> => request<T>("PUT", url, body);
export const deleteJSON = <T>(url: string): Promise<T> => request<T>("DELETE", url);
