// The console's end of WS /ws/events/{id} (docs/stream.md): resume from the last seq
// received, in the epoch it was received in, heartbeat both ways, reconnect with backoff,
// and hand on every entry exactly once and in order, whatever the network does.

import { CONNECTION_LOST, type Retry, backoffDelay, closeAction } from "./policy";
import { type JournalEntry, type PresenceUser, type ServerFrame, parseFrame } from "./protocol";

export type ConnectionState =
  | { kind: "connecting" }
  | { kind: "live" }
  | { kind: "reconnecting"; reason: string; retryAt: number | null }
  | { kind: "offline"; reason: string; final: boolean };

export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface StreamCallbacks {
  onEntries(entries: JournalEntry[]): void;
  onPresence(users: PresenceUser[]): void;
  /**
   * The server cannot replay what followed our position (too far behind, or its database
   * holds another history now): reload as of `lastSeq`.
   */
  onReset(lastSeq: number, reason: string): void;
  onState(state: ConnectionState): void;
  /**
   * A handshake failed before the socket opened; browsers hide why (403, 404, no server).
   * Answers a reason to stop for good, or null to keep retrying.
   */
  probe(): Promise<string | null>;
}

export interface StreamOptions {
  /** The socket's URL after `afterSeq`; the client adds the epoch it holds. */
  url(afterSeq: number): string;
  callbacks: StreamCallbacks;
  createSocket?: (url: string) => SocketLike;
  random?: () => number;
  /** Whether the browser believes it has a network at all. */
  online?: () => boolean;
  pingEveryMs?: number;
  silenceLimitMs?: number;
  stableAfterMs?: number;
  viewIntervalMs?: number;
}

const OPEN = 1;
// The server pings after 10 s of silence, so 25 s without a word means the path is dead
// (a laptop that slept, a NAT that forgot us) even though no close ever arrived.
const SILENCE_LIMIT_MS = 25_000;
const PING_EVERY_MS = 10_000;
// A socket that stays up this long resets the backoff; one that flaps keeps backing off.
const STABLE_AFTER_MS = 10_000;
// The server closes a console that sends more than 10 messages a second; j held down on
// the feed must not get the socket closed, so "what I look at" is sent at most this often.
// Short enough that typing, sent the same way, reaches the other consoles within 0.3 s
// (this wait, then the server's 50 ms gathering of presence changes).
const VIEW_INTERVAL_MS = 150;
const CLIENT_GAVE_UP = 4001;

function withEpoch(url: string, epoch: string | null): string {
  if (epoch === null) return url;
  return `${url}${url.includes("?") ? "&" : "?"}epoch=${encodeURIComponent(epoch)}`;
}

export class StreamClient {
  private socket: SocketLike | null = null;
  private opened = false;
  private position = 0;
  /** The history `position` counts in (from hello or reset); sent back on reconnect. */
  private epoch: string | null = null;
  private attempt = 0;
  /** Until start(): the console is still loading its first state and has no position. */
  private stopped = true;
  private everLive = false;
  private lastHeard = 0;
  private lastPing = 0;
  private viewing: string | null = "feed";
  private typing = false;
  /** The last view message sent on this socket (viewing and typing), or undefined. */
  private viewSent: string | undefined = undefined;
  private viewSentAt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stableTimer: ReturnType<typeof setTimeout> | undefined;
  private viewTimer: ReturnType<typeof setTimeout> | undefined;
  private tickTimer: ReturnType<typeof setInterval> | undefined;
  private readonly createSocket: (url: string) => SocketLike;
  private readonly random: () => number;
  private readonly online: () => boolean;

  constructor(private readonly options: StreamOptions) {
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url));
    this.random = options.random ?? Math.random;
    this.online = options.online ?? (() => navigator.onLine !== false);
  }

  /** The last seq this console holds: where a reconnect resumes. */
  get lastSeq(): number {
    return this.position;
  }

  /** The epoch of the history the console holds; null before the first hello. */
  get currentEpoch(): string | null {
    return this.epoch;
  }

  /** Go live after `afterSeq`, of the history `epoch` (the journal API's) when known. */
  start(afterSeq: number, epoch: string | null = null): void {
    this.position = afterSeq;
    this.epoch = epoch;
    this.stopped = false;
    this.tickTimer = setInterval(() => this.tick(), 1_000);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.tickTimer);
    clearTimeout(this.retryTimer);
    this.discardSocket(1000, "console closed");
  }

  /** The browser says the network is gone: no use waiting for the socket to notice. */
  networkLost(): void {
    if (this.stopped) return;
    this.discardSocket(CLIENT_GAVE_UP, "network lost");
    this.scheduleRetry({ kind: "retry", reason: "The network is down.", floorMs: 0 });
  }

  /** The network is back: try now rather than at the end of a long backoff. */
  networkBack(): void {
    if (this.stopped || this.opened) return;
    // An attempt begun while offline is doomed; start afresh.
    this.discardSocket(CLIENT_GAVE_UP, "network back");
    this.attempt = 0;
    this.connect();
  }

  /** Drop the connection as a network cut would (the browser tests use this). */
  drop(): void {
    if (this.stopped || !this.socket) return;
    this.discardSocket(CLIENT_GAVE_UP, "dropped");
    this.scheduleRetry(CONNECTION_LOST);
  }

  /**
   * What this console looks at (`feed`, `mention:42`), for the others' presence list, and
   * whether its operator is typing a reply to it.
   */
  view(viewing: string | null, typing = false): void {
    this.viewing = viewing;
    this.typing = typing;
    this.flushView();
  }

  private connect(): void {
    clearTimeout(this.retryTimer);
    this.options.callbacks.onState(
      this.everLive
        ? { kind: "reconnecting", reason: "Reconnecting…", retryAt: null }
        : { kind: "connecting" },
    );
    let socket: SocketLike;
    try {
      socket = this.createSocket(withEpoch(this.options.url(this.position), this.epoch));
    } catch (error) {
      console.error("cannot open the live stream", error);
      this.scheduleRetry(CONNECTION_LOST);
      return;
    }
    this.socket = socket;
    this.opened = false;
    this.viewSent = undefined;
    socket.onopen = () => {
      this.opened = true;
      this.lastHeard = Date.now();
      this.lastPing = Date.now();
      this.stableTimer = setTimeout(() => {
        this.attempt = 0;
      }, this.options.stableAfterMs ?? STABLE_AFTER_MS);
      this.flushView();
    };
    socket.onmessage = (event) => {
      this.lastHeard = Date.now();
      if (typeof event.data !== "string") return;
      const frame = parseFrame(event.data);
      if (frame) this.handle(frame);
      else console.warn("ignored a frame this console does not understand", event.data);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socketClosed(event.code);
    };
    socket.onerror = () => {
      // A close event always follows, with the code that says what to do.
    };
  }

  private handle(frame: ServerFrame): void {
    switch (frame.type) {
      case "hello":
        // A different epoch here is followed by a reset: the server tells us to reload.
        this.epoch = frame.epoch ?? this.epoch;
        this.everLive = true;
        this.options.callbacks.onState({ kind: "live" });
        break;
      case "entries":
        this.takeEntries(frame.entries);
        break;
      case "presence":
        this.options.callbacks.onPresence(frame.users);
        break;
      case "reset":
        this.position = frame.last_seq;
        this.epoch = frame.epoch ?? this.epoch;
        this.options.callbacks.onReset(frame.last_seq, frame.reason);
        break;
      case "error":
        console.warn("the live stream refused a message:", frame.message);
        break;
      case "ping":
      case "pong":
        break;
    }
  }

  private takeEntries(entries: JournalEntry[]): void {
    const fresh: JournalEntry[] = [];
    let gap = false;
    for (const entry of entries) {
      if (entry.seq <= this.position) continue; // already held: a doubled entry
      if (entry.seq !== this.position + 1) {
        gap = true;
        break;
      }
      this.position = entry.seq;
      fresh.push(entry);
    }
    if (fresh.length) this.options.callbacks.onEntries(fresh);
    if (gap) {
      // The server promises no gaps; if one shows, resuming from our position repairs it.
      console.warn(`gap in the live stream after seq ${this.position}; resuming from there`);
      this.discardSocket(CLIENT_GAVE_UP, "gap");
      this.scheduleRetry({ kind: "retry", reason: "Resuming after a gap.", floorMs: 0 });
    }
  }

  private tick(): void {
    const socket = this.socket;
    if (!socket || !this.opened || socket.readyState !== OPEN) return;
    const now = Date.now();
    if (now - this.lastHeard > (this.options.silenceLimitMs ?? SILENCE_LIMIT_MS)) {
      this.discardSocket(CLIENT_GAVE_UP, "no heartbeat from the server");
      this.scheduleRetry({
        kind: "retry",
        reason: "The server went silent.",
        floorMs: 0,
      });
      return;
    }
    if (now - this.lastPing >= (this.options.pingEveryMs ?? PING_EVERY_MS)) {
      this.lastPing = now;
      socket.send('{"type":"ping"}');
    }
  }

  private flushView(): void {
    const socket = this.socket;
    if (!socket || !this.opened || socket.readyState !== OPEN) return;
    // `typing` is left out when false, which is what the server assumes without it.
    const message = JSON.stringify(
      this.typing
        ? { type: "view", viewing: this.viewing, typing: true }
        : { type: "view", viewing: this.viewing },
    );
    if (this.viewSent === message) return;
    const wait = this.viewSentAt + (this.options.viewIntervalMs ?? VIEW_INTERVAL_MS) - Date.now();
    if (wait > 0) {
      clearTimeout(this.viewTimer);
      this.viewTimer = setTimeout(() => this.flushView(), wait);
      return;
    }
    this.viewSent = message;
    this.viewSentAt = Date.now();
    socket.send(message);
  }

  private socketClosed(code: number): void {
    const wasOpen = this.opened;
    this.discardSocket();
    if (this.stopped) return;
    const action = closeAction(code);
    if (action.kind === "stop") {
      this.giveUp(action.reason);
    } else if (!wasOpen) {
      this.probeThenRetry(action);
    } else {
      this.scheduleRetry(action);
    }
  }

  private probeThenRetry(action: Retry): void {
    this.options.callbacks.onState({
      kind: "reconnecting",
      reason: action.reason,
      retryAt: null,
    });
    this.options.callbacks.probe().then(
      (stopReason) => {
        if (this.stopped || this.socket) return;
        if (stopReason) this.giveUp(stopReason);
        else this.scheduleRetry(action);
      },
      () => {
        if (!this.stopped && !this.socket) this.scheduleRetry(action);
      },
    );
  }

  private giveUp(reason: string): void {
    this.stop();
    this.options.callbacks.onState({ kind: "offline", reason, final: true });
  }

  private scheduleRetry(action: Retry): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    const delay = Math.max(action.floorMs, backoffDelay(this.attempt, this.random));
    this.attempt += 1;
    const retryAt = Date.now() + delay;
    this.options.callbacks.onState(
      this.online()
        ? { kind: "reconnecting", reason: action.reason, retryAt }
        : { kind: "offline", reason: "No network. Waiting for it to come back.", final: false },
    );
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /** Forget the socket at once: a dead path can take minutes to report its own close. */
  private discardSocket(code?: number, reason?: string): void {
    const socket = this.socket;
    this.socket = null;
    this.opened = false;
    clearTimeout(this.stableTimer);
    clearTimeout(this.viewTimer);
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    if (code !== undefined) {
      try {
        socket.close(code, reason);
      } catch {
        // Closing a socket that never connected can throw in some browsers; it is gone.
      }
    }
  }
}
