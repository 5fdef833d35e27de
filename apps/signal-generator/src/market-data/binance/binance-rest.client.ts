import { setTimeout as sleep } from 'node:timers/promises';
import type { Candle } from '@app/contracts';
import { fullJitterDelay } from './backoff';
import { BinanceRestError } from './binance-rest.error';
import { DEFAULT_REST_BASE_URL } from './binance-endpoints';
import type { FeedLogger } from './feed-logger';
import { candleFromRestRow, RestKlinesSchema, type KlineContext } from './kline.parser';
import { parseRetryAfterMs } from './retry-after';

export interface BinanceRestOptions {
  /** Default `https://fapi.binance.com`. */
  baseUrl?: string;
  /** Per request, headers and body included. Default 10 000 ms. */
  timeoutMs?: number;
  /** Tries per call, the first included. Default 5. */
  maxAttempts?: number;
  /** Backoff (full jitter) for 5xx and network errors. Defaults 500 ms and 10 000 ms. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /**
   * A 429/418 whose `Retry-After` asks for longer than this fails the call instead of waiting
   * (418 is an IP ban that can last days). Default 120 000 ms.
   */
  maxRetryAfterMs?: number;
  logger: FeedLogger;
  /** Called once per retry with the HTTP status (or `network`), e.g. to count them. */
  onRetry?: (endpoint: string, status: string) => void;
}

export interface KlinesQuery {
  symbol: string;
  interval: string;
  startTime?: number;
  endTime?: number;
  /** Binance's default 500, max 1500. */
  limit?: number;
}

interface RawResponse {
  status: number;
  retryAfter: string | null;
  body: string;
}

/**
 * The two public USDT-M futures endpoints the feed needs, with retries: 429/418 wait for
 * `Retry-After`, 5xx and network errors back off with jitter, other 4xx fail at once.
 */
export class BinanceRestClient {
  private readonly baseUrl: string;

  constructor(private readonly opts: BinanceRestOptions) {
    this.baseUrl = (opts.baseUrl ?? DEFAULT_REST_BASE_URL).replace(/\/+$/, '');
  }

  /** `GET /fapi/v1/klines`, rows as candles in Binance's order (ascending open time). */
  async klines(q: KlinesQuery, ctx: KlineContext, signal?: AbortSignal): Promise<Candle[]> {
    const query: Record<string, string> = { symbol: q.symbol, interval: q.interval };
    if (q.startTime !== undefined) query.startTime = String(q.startTime);
    if (q.endTime !== undefined) query.endTime = String(q.endTime);
    if (q.limit !== undefined) query.limit = String(q.limit);
    const json = await this.getJson('/fapi/v1/klines', query, signal);
    const rows = RestKlinesSchema.safeParse(json);
    if (!rows.success) {
      const issue = rows.error.issues[0];
      throw new BinanceRestError(`GET /fapi/v1/klines ${q.symbol}: unexpected body at [${issue.path.join('][')}]: ${issue.message}`);
    }
    try {
      return rows.data.map((row) => candleFromRestRow(row, q.symbol, ctx));
    } catch (err) {
      throw new BinanceRestError(`GET /fapi/v1/klines ${q.symbol}: ${(err as Error).message}`);
    }
  }

  /** `GET /fapi/v1/exchangeInfo`, unparsed (see `exchange-info.ts`). */
  async exchangeInfo(signal?: AbortSignal): Promise<unknown> {
    return this.getJson('/fapi/v1/exchangeInfo', {}, signal);
  }

  private async getJson(path: string, query: Record<string, string>, signal?: AbortSignal): Promise<unknown> {
    const { maxAttempts = 5, retryBaseMs = 500, retryMaxMs = 10_000, maxRetryAfterMs = 120_000 } = this.opts;
    const qs = new URLSearchParams(query).toString();
    const url = `${this.baseUrl}${path}${qs ? `?${qs}` : ''}`;
    const what = `GET ${path}${qs ? `?${qs}` : ''}`;
    for (let attempt = 1; ; attempt++) {
      let why: string;
      let label: string;
      let waitMs = fullJitterDelay(attempt - 1, retryBaseMs, retryMaxMs);
      try {
        const res = await this.fetchOnce(url, signal);
        if (res.status === 200) return parseJson(res.body, what);
        const detail = binanceError(res.body);
        label = String(res.status);
        if (res.status === 429 || res.status === 418) {
          const retryAfterMs = parseRetryAfterMs(res.retryAfter);
          if (retryAfterMs !== undefined) waitMs = retryAfterMs;
          why = `HTTP ${res.status} ${res.status === 429 ? 'rate limited' : 'IP banned'}${detail.text}, Retry-After ${res.retryAfter ?? 'absent'}`;
          if (waitMs > maxRetryAfterMs) {
            throw new BinanceRestError(`${what}: ${why}; that is longer than the ${maxRetryAfterMs} ms we wait, giving up`, res.status, detail.code);
          }
        } else if (res.status >= 500) {
          why = `HTTP ${res.status}${detail.text}`;
        } else {
          throw new BinanceRestError(`${what}: HTTP ${res.status}${detail.text}`, res.status, detail.code);
        }
      } catch (err) {
        if (err instanceof BinanceRestError || signal?.aborted) throw err;
        why = `network error: ${(err as Error).message}`;
        label = 'network';
      }
      if (attempt >= maxAttempts) throw new BinanceRestError(`${what}: gave up after ${attempt} attempts, last: ${why}`);
      this.opts.logger.warn({ endpoint: path, query, attempt, waitMs }, `Binance REST ${why}; retry ${attempt} in ${waitMs} ms`);
      this.opts.onRetry?.(path, label);
      await sleep(waitMs, undefined, { signal });
    }
  }

  private async fetchOnce(url: string, signal?: AbortSignal): Promise<RawResponse> {
    const { timeoutMs = 10_000 } = this.opts;
    const ctrl = new AbortController();
    const onAbort = (): void => ctrl.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => ctrl.abort(new Error(`no response within ${timeoutMs} ms`)), timeoutMs);
    try {
      const res = await fetch(url, { signal: ctrl.signal, headers: { accept: 'application/json' } });
      const body = await res.text();
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
    } catch (err) {
      // fetch reports our own abort reason as the cause; surface the readable one.
      throw new Error(describeFetchError(ctrl.signal.aborted ? ctrl.signal.reason : err), { cause: err });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/**
 * undici says only "fetch failed"; its cause says what happened (ECONNREFUSED, other side
 * closed). Duck-typed: fetch errors come from Node's realm, not always this one's `Error`.
 */
function describeFetchError(err: unknown): string {
  const message = (e: unknown): string | undefined =>
    typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string' ? (e as Error).message : undefined;
  const text = message(err) ?? String(err);
  const cause = typeof err === 'object' && err !== null ? message((err as { cause?: unknown }).cause) : undefined;
  return cause ? `${text} (${cause})` : text;
}

function parseJson(body: string, what: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new BinanceRestError(`${what}: response is not JSON (${body.slice(0, 80)})`);
  }
}

/** Binance error bodies are `{"code":-1121,"msg":"Invalid symbol."}`. */
function binanceError(body: string): { code?: number; text: string } {
  try {
    const parsed = JSON.parse(body) as { code?: unknown; msg?: unknown };
    if (typeof parsed.code === 'number' && typeof parsed.msg === 'string') {
      return { code: parsed.code, text: ` (code ${parsed.code}: ${parsed.msg})` };
    }
  } catch {
    // not JSON: fall through
  }
  const text = body.trim().slice(0, 120);
  return { text: text ? ` (${text})` : '' };
}
