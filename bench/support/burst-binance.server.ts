import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { FixtureRow } from '../../apps/signal-generator/test/fixtures/binance/kline-fixture';

const MINUTE = 60_000;

export interface BurstBinanceOptions {
  /** Symbol → real 1m rows (open times are rewritten: only the prices and volumes are used). */
  markets: Record<string, FixtureRow[]>;
  /** Rows per symbol served by REST as the closed history before the first live candle. */
  historyRows: number;
}

/** `candles` live minutes at `speed`: 1 is Binance's own rates, 10 a "minute" every 6 s. */
export interface MarketPhase {
  speed: number;
  candles: number;
}

/** One closed kline as sent: the latency's start. */
export interface ClosedSent {
  symbol: string;
  openTime: number;
  /** Index of its live candle (see `candles`). */
  candle: number;
  /** Date.now() just before the frame was handed to the socket. */
  sentAt: number;
}

/**
 * The live market at Binance's rates, for the live-generator benchmark: every symbol gets a
 * forming (`x:false`) kline update every 250 ms, and at each minute's end the closed klines of
 * every symbol go out spread over one second (symbol i at i/n of it), as Binance sends them.
 * A phase's speed compresses time alike (10: updates every 25 ms, a minute every 6 s, the closes within
 * 100 ms). The send time of every closed frame is recorded.
 *
 * Not the tests' FakeBinance: that one is tick-driven (every symbol's frame in one tick, the
 * closes in one synchronous loop, one JSON.stringify per frame) to make failures reproducible;
 * this one follows the wall clock and prebuilds its frames so its own cost stays small beside the
 * process measured. Live candle j opens at `t0 + j` minutes, `t0` the minute `start()` is in, and
 * the history closes before it, so the generator's REST warm-up takes all of it.
 */
export class BurstBinance {
  readonly closed: ClosedSent[] = [];
  private readonly symbols: string[];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<{ ws: WebSocket; streams: Set<string> }>();
  private readonly t0 = Math.floor(Date.now() / MINUTE) * MINUTE;
  private timer?: NodeJS.Timeout;
  /** Live candles whose closes have been (or are being) sent. */
  private liveCandle = 0;
  private readonly plan: { speed: number; burstStart: number }[] = [];
  private tickNo = 0;
  private readonly forming = new Map<string, { index: number; frame: string }>();

  private constructor(
    private readonly opts: BurstBinanceOptions,
    private readonly http: Server,
    readonly port: number,
  ) {
    this.symbols = Object.keys(opts.markets);
  }

  static async start(opts: BurstBinanceOptions): Promise<BurstBinance> {
    const http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const addr = http.address();
    const server = new BurstBinance(opts, http, typeof addr === 'object' && addr ? addr.port : 0);
    http.on('request', (req, res) => server.onRequest(req, res));
    http.on('upgrade', (req, socket, head) => server.onUpgrade(req, socket, head));
    return server;
  }

  get wsBaseUrl(): string {
    return `ws://127.0.0.1:${this.port}/market`;
  }

  get restBaseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Streams subscribed over the open connections. */
  get connectedStreams(): number {
    let n = 0;
    for (const s of this.sockets) n += s.streams.size;
    return n;
  }

  /**
   * Starts the market: live candles closing at Binance's rates compressed by each phase's speed,
   * the first one `leadMs` from now (so a run need not wait for a whole first minute).
   */
  startMarket(phases: MarketPhase[], leadMs: number): void {
    const now = Date.now();
    for (const phase of phases) {
      for (let i = 0; i < phase.candles && this.plan.length < this.liveRows() - 1; i++) {
        const last = this.plan.at(-1);
        this.plan.push({ speed: phase.speed, burstStart: last ? last.burstStart + MINUTE / phase.speed : now + leadMs });
      }
    }
    this.schedule();
  }

  /** When each live candle's closes start, and at what speed it runs. */
  get candles(): readonly { speed: number; burstStart: number }[] {
    return this.plan;
  }

  /** Whether every live candle has had its closes sent. */
  get finished(): boolean {
    return this.closed.length >= this.plan.length * this.symbols.length;
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    for (const s of this.sockets) s.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // ---- market ---------------------------------------------------------------------------------

  private liveRows(): number {
    return this.opts.markets[this.symbols[0]].length - this.opts.historyRows;
  }

  private row(symbol: string, liveIndex: number): FixtureRow {
    return this.opts.markets[symbol][this.opts.historyRows + liveIndex];
  }

  /** Each tick sends the forming updates of a fifth of the symbols: every symbol once per 250 ms / speed. */
  private schedule(): void {
    if (this.liveCandle >= this.plan.length) return;
    this.timer = setTimeout(() => {
      this.tick();
      this.schedule();
    }, 50 / this.plan[this.liveCandle].speed);
  }

  private tick(): void {
    const now = Date.now();
    const n = this.symbols.length;
    // Closes due: symbol i of candle j at i/n of the (compressed) second after its burst starts.
    while (this.liveCandle < this.plan.length) {
      const { burstStart, speed } = this.plan[this.liveCandle];
      if (now < burstStart) break;
      const sentSoFar = this.closed.length - this.liveCandle * n;
      const due = Math.min(n, Math.floor(((now - burstStart) / (1000 / speed)) * n) + 1);
      for (let i = sentSoFar; i < due; i++) this.sendKline(this.symbols[i], this.liveCandle, true);
      if (due < n) break;
      this.liveCandle++;
    }
    if (this.liveCandle >= this.plan.length) return;
    // Forming updates of the candle each symbol is in (the next one for a symbol already closed).
    const slice = this.tickNo++ % 5;
    const sentSoFar = this.closed.length - this.liveCandle * n;
    for (let i = slice; i < n; i += 5) this.sendKline(this.symbols[i], i < sentSoFar ? this.liveCandle + 1 : this.liveCandle, false);
  }

  private sendKline(symbol: string, liveIndex: number, closed: boolean): void {
    const stream = `${symbol.toLowerCase()}@kline_1m`;
    const frame = closed ? this.klineFrame(symbol, stream, liveIndex, true) : this.formingFrame(symbol, stream, liveIndex);
    const sentAt = Date.now();
    for (const s of this.sockets) if (s.streams.has(stream) && s.ws.readyState === WebSocket.OPEN) s.ws.send(frame);
    if (closed) this.closed.push({ symbol, openTime: this.t0 + liveIndex * MINUTE, candle: liveIndex, sentAt });
  }

  /** A symbol's forming frame is built once per candle and resent (Binance's would differ in volume and E). */
  private formingFrame(symbol: string, stream: string, liveIndex: number): string {
    const cached = this.forming.get(symbol);
    if (cached?.index === liveIndex) return cached.frame;
    const frame = this.klineFrame(symbol, stream, liveIndex, false);
    this.forming.set(symbol, { index: liveIndex, frame });
    return frame;
  }

  private klineFrame(symbol: string, stream: string, liveIndex: number, closed: boolean): string {
    const row = this.row(symbol, liveIndex);
    const openTime = this.t0 + liveIndex * MINUTE;
    const k = { t: openTime, T: openTime + MINUTE - 1, s: symbol, i: '1m', o: row.open, c: row.close, h: row.high, l: row.low, v: row.volume, x: closed };
    return JSON.stringify({ stream, data: { e: 'kline', E: Date.now(), s: symbol, k } });
  }

  // ---- WebSocket and REST ---------------------------------------------------------------------

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const streams = (url.searchParams.get('streams') ?? '').split('/').filter(Boolean);
    // Binance's limit per combined-stream connection.
    if (url.pathname !== '/market/stream' || streams.length === 0 || streams.length > 200) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const entry = { ws, streams: new Set(streams) };
      this.sockets.add(entry);
      ws.on('close', () => this.sockets.delete(entry));
      ws.on('error', () => undefined);
    });
  }

  /** `/fapi/v1/klines`: the history, then the first live candle forming (the client drops it). */
  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const symbol = url.searchParams.get('symbol') ?? '';
    const rows = this.opts.markets[symbol];
    if (url.pathname !== '/fapi/v1/klines' || !rows) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":-1,"msg":"not found"}');
      return;
    }
    const h = this.opts.historyRows;
    const out = rows.slice(0, h + 1).map((r, i) => {
      const openTime = this.t0 + (i - h) * MINUTE;
      return [openTime, r.open, r.high, r.low, r.close, r.volume, openTime + MINUTE - 1];
    });
    const limit = Number(url.searchParams.get('limit') ?? 500);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out.slice(-limit)));
  }
}
