// JSON calls to the Cuedesk API with the session cookie, and errors people can read.

export class ApiError extends Error {
  /** `status` is 0 when the server could not be reached; `body` is the parsed answer. */
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const TIMEOUT_MS = 10_000;

function describe(response: Response, body: unknown): string {
  // Every API error carries `detail`, a sentence to show (docs/api-errors.md); a proxy's
  // page in front of the server may not.
  const detail = body && typeof body === "object" ? (body as { detail?: unknown }).detail : null;
  if (typeof detail === "string" && detail) return detail;
  if (response.status === 429) {
    const wait = response.headers.get("Retry-After");
    return wait
      ? `Too many attempts. Try again in ${wait} seconds.`
      : "Too many attempts. Wait a moment and try again.";
  }
  return `The server answered ${response.status} ${response.statusText}. Try again.`;
}

interface Answer<T> {
  data: T;
  /** The server's clock when it answered (the `Date` header), or null. */
  serverTime: number | null;
}

/** The parsed body, trusted to have the documented shape: the API is ours. */
export async function exchange<T>(method: string, url: string, body?: unknown): Promise<Answer<T>> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const init: RequestInit = {
    method,
    credentials: "same-origin",
    headers,
    // A request that hangs would stall the feed's recovery; fail it and retry instead.
    signal: AbortSignal.timeout(TIMEOUT_MS),
  };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, "Cannot reach the server. Check the connection and try again.");
  }
  const text = await response.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) throw new ApiError(response.status, describe(response, data), data);
  const date = Date.parse(response.headers.get("Date") ?? "");
  return { data: data as T, serverTime: Number.isNaN(date) ? null : date };
}

export const request = async <T>(method: string, url: string, body?: unknown): Promise<T> =>
  (await exchange<T>(method, url, body)).data;

export const getJSON = <T>(url: string): Promise<T> => request<T>("GET", url);
export const postJSON = <T>(url: string, body?: unknown): Promise<T> =>
  request<T>("POST", url, body);
