import type Redis from 'ioredis';
import type { z } from 'zod';
import {
  CloseRequestSchema,
  DATA_FIELD,
  decodeEntry,
  formatZodError,
  MalformedEntryError,
  KEYS,
  PositionClosedEventSchema,
  PositionEventSchema,
  PositionOpenedEventSchema,
  STREAM_GROUPS,
  STREAM_MAXLEN,
  STREAMS,
  type Candle,
  type CloseRequest,
  type PositionClosedEvent,
  type PositionEvent,
} from '@app/contracts';
import { defineScripts, ensureGroup, luaScript, type Fence } from '@app/redis-streams';
import type { OpenPosition } from './position';
import { CLOSE_POSITION_LUA, OPEN_POSITION_LUA, RECORD_PRICE_LUA } from './position.scripts';

export type OpenOutcome = 'opened' | 'exists' | 'stale' | 'occupied';

export interface LastPrice {
  price: number;
  /** Close time (epoch ms) of the candle the price comes from. */
  time: number;
}

export class CorruptStateError extends Error {
  constructor(id: string, reason: string) {
    super(`stored state of position ${id} is invalid: ${reason}`);
    this.name = 'CorruptStateError';
  }
}

/** Position state in Redis (see KEYS in contracts); every change goes through a Lua script. */
export class PositionStore {
  private readonly scripts;

  /**
   * @param historyKept closed positions whose `closed` events the `positions` stream keeps
   *   (POSITIONS_HISTORY_MAX): the history a gateway rebuilt from the stream can serve.
   */
  constructor(
    private readonly redis: Redis,
    private readonly historyKept: number,
  ) {
    this.scripts = defineScripts(redis, {
      positionOpen: luaScript<OpenOutcome>(OPEN_POSITION_LUA, 7),
      positionClose: luaScript<number>(CLOSE_POSITION_LUA, 9),
      positionRecordPrice: luaScript<number>(RECORD_PRICE_LUA, 2),
    });
  }

  /**
   * Creates the consumer groups of the streams this store writes (STREAM_GROUPS) before the
   * first event, so a notifier started later still gets every close.
   */
  async ensureGroups(): Promise<void> {
    for (const stream of [STREAMS.positions, STREAMS.closeRequests]) {
      for (const group of STREAM_GROUPS[stream] ?? []) await ensureGroup(this.redis, stream, group);
    }
  }

  async get(id: string): Promise<PositionEvent | null> {
    const raw = await this.redis.hget(KEYS.positions, id);
    return raw === null ? null : parseState(id, raw);
  }

  /** The open position of a symbol, if any. */
  async openFor(symbol: string): Promise<OpenPosition | null> {
    const id = await this.redis.hget(KEYS.openBySymbol, symbol);
    if (id === null) return null;
    const state = await this.get(id);
    return state?.type === 'opened' ? state : null;
  }

  async openIds(): Promise<string[]> {
    return this.redis.smembers(KEYS.openPositions);
  }

  async openCount(): Promise<number> {
    return this.redis.scard(KEYS.openPositions);
  }

  /**
   * Stores the position and publishes its `opened` event, unless the id or symbol is taken.
   * With a `fence` (the symbol's market shard lease), refused (FENCED) once the lease is lost.
   */
  async open(position: OpenPosition, fence?: Fence): Promise<OpenOutcome> {
    const json = JSON.stringify(validated(PositionOpenedEventSchema, position));
    return this.scripts.positionOpen(
      KEYS.positions,
      KEYS.openPositions,
      KEYS.openBySymbol,
      KEYS.signalCursorBySymbol,
      STREAMS.positions,
      KEYS.openEventIds,
      ...fenceKey(fence),
      position.position_id,
      position.symbol,
      json,
      ...fenceToken(fence),
    );
  }

  /**
   * Open → closed and the `closed` event (plus the ATAS close request for early exits), in one
   * step. True when this call did it; false when the position was not open (already closed by
   * someone else, or unknown).
   */
  async close(closed: PositionClosedEvent, request: CloseRequest | null, fence?: Fence): Promise<boolean> {
    const event = JSON.stringify(validated(PositionClosedEventSchema, closed));
    const req = request ? JSON.stringify(validated(CloseRequestSchema, request)) : '';
    const done = await this.scripts.positionClose(
      KEYS.positions,
      KEYS.openPositions,
      KEYS.openBySymbol,
      STREAMS.positions,
      STREAMS.closeRequests,
      KEYS.openEventIds,
      KEYS.closedEventIds,
      KEYS.closedPositionIds,
      ...fenceKey(fence),
      closed.position_id,
      closed.symbol,
      event,
      req,
      this.historyKept,
      STREAM_MAXLEN[STREAMS.closeRequests],
      ...fenceToken(fence),
    );
    return done === 1;
  }

  async recordPrice(candle: Candle, fence?: Fence): Promise<void> {
    const last: LastPrice = { price: candle.close, time: candle.close_time };
    await this.scripts.positionRecordPrice(KEYS.lastPrice, ...fenceKey(fence), candle.symbol, candle.close_time, JSON.stringify(last), ...fenceToken(fence));
  }

  async lastPrice(symbol: string): Promise<LastPrice | null> {
    const raw = await this.redis.hget(KEYS.lastPrice, symbol);
    if (raw === null) return null;
    const v = JSON.parse(raw) as Partial<LastPrice>;
    return typeof v.price === 'number' && typeof v.time === 'number' ? { price: v.price, time: v.time } : null;
  }
}

/** The fence's lease key; an unfenced call names a key it holds anyway, never read with an empty token. */
function fenceKey(fence: Fence | undefined): [string] {
  return [fence?.key ?? KEYS.positions];
}

function fenceToken(fence: Fence | undefined): [string] {
  return [fence?.token ?? ''];
}

/** The stored JSON of a position, read as its stream entry is (decodeEntry), or CorruptStateError. */
function parseState(id: string, raw: string): PositionEvent {
  try {
    return decodeEntry(PositionEventSchema, id, [DATA_FIELD, raw]);
  } catch (err) {
    if (err instanceof MalformedEntryError) throw new CorruptStateError(id, err.reason);
    throw err;
  }
}

function validated<S extends z.ZodType>(schema: S, value: z.input<S>): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`refusing to store an invalid position event: ${formatZodError(parsed.error)}`);
  return parsed.data;
}
