import type { Candle } from '@app/contracts';
import { columnsFromHeader, columnsFromWidth, epochMs, isHeader, KlineColumns, ParseContext, parseKlineRow } from './kline-csv.parser';

/** Where decoded rows go. */
export interface KlineCsvSink {
  candle(candle: Candle): void;
  /** A row that is not a valid candle; `fatal` when no later row can be read (header, layout). */
  bad(line: number, problem: string, fatal: boolean): void;
}

const COMMA = 44;
const LF = 10;
const CR = 13;
const DOT = 46;
const MINUS = 45;
const ZERO = 48;
const MAX_EXACT = 2 ** 53;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Value slots, in the order of KlineColumns. */
const KEYS = ['openTime', 'open', 'high', 'low', 'close', 'volume', 'closeTime', 'quoteVolume', 'trades', 'takerBuyVolume'] as const;
const [T, O, H, L, C, V, CT, QV, N, TB] = KEYS.map((_, i) => i);

/**
 * Kline CSV bytes → candles, at millions of rows a second: lines are cut and numbers read straight
 * from the bytes, with no string per line or field. A row the fast path does not fully understand
 * (spaces, exponents, too many digits, a missing column, a value that fails a check) goes through
 * parseKlineRow, which reads it the same way as before or names its problem, so every accepted
 * value and every error message is what the line-by-line parser gives.
 *
 * A plain decimal `[-]digits[.digits]` with at most 2^53 as its digits and at most 22 decimals is
 * the integer of its digits divided by a power of ten: both exact doubles, so the one rounding
 * of the division gives the same double as Number().
 */
export class KlineCsvDecoder {
  private cols: KlineColumns | undefined;
  /** Per CSV field, the value slot it fills, or -1. */
  private slotOf: Int8Array = new Int8Array(0);
  private lastField = 0;
  private readonly vals = new Float64Array(KEYS.length);
  private readonly has = new Uint8Array(KEYS.length);
  private rest: Buffer | undefined;
  private lastOpen = -Infinity;
  private stopped = false;
  /** Lines read so far (1-based number of the last one). */
  line = 0;

  constructor(
    private readonly ctx: ParseContext,
    private readonly sink: KlineCsvSink,
  ) {}

  /** Decodes every complete line of `chunk` (after what an earlier chunk left unfinished). */
  write(chunk: Buffer): void {
    const buf = this.rest === undefined ? chunk : Buffer.concat([this.rest, chunk]);
    let start = 0;
    while (!this.stopped) {
      const nl = buf.indexOf(LF, start);
      if (nl === -1) break;
      this.decodeLine(buf, start, nl);
      start = nl + 1;
    }
    this.rest = start < buf.length && !this.stopped ? Buffer.from(buf.subarray(start)) : undefined;
  }

  /** The last line, when the file does not end with a newline. */
  end(): void {
    const rest = this.rest;
    this.rest = undefined;
    if (rest !== undefined && !this.stopped) this.decodeLine(rest, 0, rest.length);
  }

  /** Stops decoding (after a fatal row): later lines are ignored. */
  stop(): void {
    this.stopped = true;
  }

  private decodeLine(buf: Buffer, start: number, end: number): void {
    this.line++;
    if (end > start && buf[end - 1] === CR) end--;
    if (start === end) return;
    if (this.cols === undefined || !this.fast(buf, start, end)) this.slow(buf.toString('utf8', start, end));
  }

  private fast(buf: Buffer, start: number, end: number): boolean {
    const { slotOf, vals, has } = this;
    let field = 0;
    let p = start;
    for (;;) {
      const slot = field < slotOf.length ? slotOf[field] : -1;
      if (slot >= 0) {
        // [-]digits[.digits], nothing else
        const neg = buf[p] === MINUS;
        if (neg) p++;
        let m = 0;
        let digits = 0;
        let decimals = -1;
        for (; p < end; p++) {
          const b = buf[p];
          if (b === COMMA) break;
          if (b === DOT && decimals === -1) {
            decimals = 0;
            continue;
          }
          const d = b - ZERO;
          if (d < 0 || d > 9) return false;
          m = m * 10 + d;
          digits++;
          if (decimals !== -1) decimals++;
        }
        if (digits === 0 || m >= MAX_EXACT || decimals > 22) return false;
        const v = decimals > 0 ? m / POW10[decimals] : m;
        vals[slot] = neg ? -v : v;
      } else {
        while (p < end && buf[p] !== COMMA) p++;
      }
      if (p >= end) break;
      p++;
      field++;
    }
    if (field < this.lastField) return false; // a column is missing
    const openTime = epochMs(vals[T]);
    const open = vals[O];
    const high = vals[H];
    const low = vals[L];
    const close = vals[C];
    const volume = vals[V];
    if (!Number.isInteger(openTime) || openTime < 0) return false;
    if (!(open > 0 && high > 0 && low > 0 && close > 0) || low > high) return false;
    if (open < low || open > high || close < low || close > high || !(volume >= 0)) return false;
    if (has[N] && (!Number.isInteger(vals[N]) || vals[N] < 0)) return false;
    if (has[TB] && (vals[TB] < 0 || vals[TB] > volume * (1 + 1e-9))) return false;
    const candle: Candle = {
      symbol: this.ctx.symbol,
      timeframe: this.ctx.timeframe,
      open_time: openTime,
      close_time: has[CT] ? epochMs(vals[CT]) : openTime + this.ctx.timeframeMs - 1,
      open,
      high,
      low,
      close,
      volume,
    };
    if (has[QV]) candle.quote_volume = vals[QV];
    if (has[N]) candle.trades = vals[N];
    if (has[TB]) candle.taker_buy_volume = vals[TB];
    this.emit(candle);
    return true;
  }

  /** The line-by-line path: header, layout, and every row the fast path passed on. */
  private slow(text: string): void {
    const line = text.trim();
    if (line === '') return;
    try {
      if (this.cols === undefined) {
        if (isHeader(line)) return this.setColumns(columnsFromHeader(line));
        this.setColumns(columnsFromWidth(line.split(',').length));
      }
      this.emit(parseKlineRow(line, this.cols as KlineColumns, this.ctx));
    } catch (err) {
      this.sink.bad(this.line, (err as Error).message, this.cols === undefined);
    }
  }

  private emit(candle: Candle): void {
    if (candle.open_time <= this.lastOpen) {
      this.sink.bad(this.line, `open_time ${candle.open_time} is not after the previous row's ${this.lastOpen}`, false);
      return;
    }
    this.lastOpen = candle.open_time;
    this.sink.candle(candle);
  }

  private setColumns(cols: KlineColumns): void {
    this.cols = cols;
    const idx = KEYS.map((k) => cols[k]);
    const width = Math.max(...idx.map((i) => i ?? -1)) + 1;
    this.slotOf = new Int8Array(width).fill(-1);
    idx.forEach((i, slot) => {
      this.has[slot] = i === undefined ? 0 : 1;
      if (i !== undefined) this.slotOf[i] = slot;
    });
    this.lastField = width - 1;
  }
}
