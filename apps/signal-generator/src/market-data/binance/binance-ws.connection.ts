import WebSocket, { type RawData } from 'ws';

/** Why a connection ended: logged, and `stall` is counted. */
export type CloseReason =
  | { kind: 'stall'; silentMs: number }
  /** The server (or the network) closed it; 1006 means no close frame. */
  | { kind: 'closed'; code: number; reason: string }
  /** Handshake or socket error, e.g. `connect ECONNREFUSED`, `Unexpected server response: 503`. */
  | { kind: 'error'; message: string }
  /** We closed it (rotation, stop). */
  | { kind: 'local'; why: string };

export interface ConnectionTimings {
  /** Give up on a handshake after this long. */
  connectTimeoutMs: number;
  /** No frame of any kind (data, ping) for this long means the connection is dead. */
  stallTimeoutMs: number;
  /** After sending our close frame, wait this long for the server's before cutting the socket. */
  closeTimeoutMs: number;
}

export interface ConnectionHandlers {
  onOpen(): void;
  /**
   * A text frame's bytes, not yet decoded (the host drops most frames before paying for the UTF-8
   * decode), or `null` for a binary frame (Binance never sends those).
   */
  onMessage(data: Buffer | null): void;
  /** Called exactly once, also when the handshake fails. */
  onClose(reason: CloseReason): void;
}

let nextId = 1;

/**
 * One WebSocket to Binance with a dead-connection watchdog. Pings are answered by `ws` itself
 * (`autoPong`, left at its default); the client never sends a data frame.
 */
export class BinanceWsConnection {
  readonly id = nextId++;
  private ws?: WebSocket;
  private watchdog?: NodeJS.Timeout;
  private closeGuard?: NodeJS.Timeout;
  private localReason?: CloseReason;
  private lastError?: string;
  private ended = false;
  private readonly endedPromise: Promise<void>;
  private resolveEnded!: () => void;

  constructor(
    private readonly url: string,
    private readonly timings: ConnectionTimings,
    private readonly handlers: ConnectionHandlers,
  ) {
    this.endedPromise = new Promise((resolve) => (this.resolveEnded = resolve));
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    const ws = new WebSocket(this.url, {
      handshakeTimeout: this.timings.connectTimeoutMs,
      perMessageDeflate: false,
    });
    this.ws = ws;
    ws.on('open', () => {
      this.watchdog = setTimeout(() => this.onSilence(), this.timings.stallTimeoutMs);
      this.handlers.onOpen();
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      this.watchdog?.refresh();
      this.handlers.onMessage(isBinary ? null : rawToBuffer(data));
    });
    // Binance pings every few minutes; a ping is proof of life too.
    ws.on('ping', () => this.watchdog?.refresh());
    ws.on('error', (err: Error) => (this.lastError = err.message));
    ws.on('close', (code: number, reason: Buffer) => this.finish(code, reason.toString()));
  }

  /**
   * Stops reading (TCP flow control pushes back to the server) or starts again. The stall
   * watchdog keeps running: a pause longer than it ends in a reconnect and a gap fill.
   */
  setPaused(paused: boolean): void {
    if (!this.isOpen) return;
    if (paused) this.ws?.pause();
    else this.ws?.resume();
  }

  /** Closes with a normal close frame (or aborts a pending handshake); resolves once closed. */
  close(why: string): Promise<void> {
    const ws = this.ws;
    if (!ws || this.ended) return Promise.resolve();
    this.localReason ??= { kind: 'local', why };
    if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) {
      if (ws.readyState === WebSocket.CONNECTING) {
        ws.terminate();
      } else {
        ws.close(1000, why.slice(0, 120));
        // ws would wait 30 s for the server's close frame; a peer that is going away need not get that long.
        this.closeGuard ??= setTimeout(() => ws.terminate(), this.timings.closeTimeoutMs);
      }
    }
    return this.endedPromise;
  }

  private onSilence(): void {
    this.localReason = { kind: 'stall', silentMs: this.timings.stallTimeoutMs };
    // terminate, not close: a dead peer would never answer a close frame.
    this.ws?.terminate();
  }

  private finish(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.watchdog);
    clearTimeout(this.closeGuard);
    this.watchdog = undefined;
    this.closeGuard = undefined;
    const why: CloseReason =
      this.localReason ?? (this.lastError ? { kind: 'error', message: this.lastError } : { kind: 'closed', code, reason });
    this.resolveEnded();
    this.handlers.onClose(why);
  }
}

/** `ws` hands a Buffer (its default binaryType); the other shapes are joined into one. */
function rawToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** One line for logs: `stall (no frame for 30000 ms)`, `closed 1006`, ... */
export function describeCloseReason(r: CloseReason): string {
  switch (r.kind) {
    case 'stall':
      return `stall (no frame for ${r.silentMs} ms)`;
    case 'closed':
      return `closed by server ${r.code}${r.reason ? ` ${r.reason}` : ''}`;
    case 'error':
      return `error: ${r.message}`;
    case 'local':
      return `closed locally (${r.why})`;
  }
}
