// JSON calls to the Cuedesk API with the session cookie, and errors people can read.

export class ApiError extends Error {
  /** @param {number} status 0 when the server could not be reached */
  constructor(status, message) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

const TIMEOUT_MS = 10000;

function describe(response, body) {
  const detail = body && body.detail;
  if (typeof detail === "string" && detail) return detail;
  if (Array.isArray(detail)) {
    const messages = detail.map((item) => item.message || item.msg).filter(Boolean);
    if (messages.length) return messages.join(" ");
  }
  if (response.status === 429) {
    const wait = response.headers.get("Retry-After");
    return wait
      ? `Too many attempts. Try again in ${wait} seconds.`
      : "Too many attempts. Wait a moment and try again.";
  }
  return `The server answered ${response.status} ${response.statusText}. Try again.`;
}

export async function request(method, url, body) {
  const init = {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json" },
    // A request that hangs would stall the live feed's loop; fail it and retry instead.
    signal: AbortSignal.timeout(TIMEOUT_MS),
  };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, "Cannot reach the server. Check the connection and try again.");
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) throw new ApiError(response.status, describe(response, data));
  return data;
}

export const getJSON = (url) => request("GET", url);
export const postJSON = (url, body) => request("POST", url, body);
