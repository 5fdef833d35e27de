import fc from 'fast-check';
import type Redis from 'ioredis';
import { KEYS, PositionEventSchema, STREAMS, type Candle, type ProducedSignal } from '@app/contracts';
import { shardOf, type MarketPublisher } from '@app/redis-streams';
import { T0 } from './closer-harness';

/** One symbol per shard (`C<n>USDT`), so every replica holding a shard has work in a burst. */
export function symbolPerShard(shards: number): string[] {
  const byShard = new Map<number, string>();
  for (let n = 0; byShard.size < shards; n++) {
    const symbol = `C${n}USDT`;
    if (!byShard.has(shardOf(symbol, shards))) byShard.set(shardOf(symbol, shards), symbol);
  }
  return [...byShard.entries()].sort(([a], [b]) => a - b).map(([, s]) => s);
}

/** One generator step: a closed candle and the signals made on it, written in one atomic append. */
export interface BurstStep {
  candle: Candle;
  signals: ProducedSignal[];
}

export interface BurstOptions {
  symbols: string[];
  /** Candles per symbol; the last one of each symbol carries no signal (it marks the end). */
  minutes: number;
  /** Chance that a candle carries a signal. */
  signalRate: number;
  seed: number;
}

/**
 * A deterministic burst as a replay at full speed writes it: for each minute, each symbol's
 * candle and maybe a signal on it. Each symbol's signals alternate BUY, SELL, BUY, ... so most of
 * them reverse the position the previous one opened, and the random walk makes some candles touch
 * a stop or a target in between: the book depends on every same-symbol entry being handled in
 * stream order.
 */
export function marketBurst(o: BurstOptions): BurstStep[] {
  const rand = seededRandom(o.seed, o.symbols.length * o.minutes * 4);
  const price = new Map(o.symbols.map((s, i) => [s, 100 + 10 * i]));
  const nextBuy = new Map(o.symbols.map((s) => [s, true]));
  const steps: BurstStep[] = [];
  let micros = 0;
  for (let minute = 0; minute < o.minutes; minute++) {
    for (const symbol of o.symbols) {
      const open = price.get(symbol)!;
      const close = round(open * (1 + (rand() - 0.5) * 0.02));
      const high = round(Math.max(open, close) * (1 + rand() * 0.012));
      const low = round(Math.min(open, close) * (1 - rand() * 0.012));
      price.set(symbol, close);
      const open_time = T0 + minute * 60_000;
      const candle: Candle = { symbol, timeframe: '1m', open_time, close_time: open_time + 59_999, open, high, low, close, volume: 1 };
      const signals: ProducedSignal[] = [];
      if (minute < o.minutes - 1 && rand() < o.signalRate) {
        const buy = nextBuy.get(symbol)!;
        nextBuy.set(symbol, !buy);
        signals.push(signalAt(candle, buy, ++micros));
      }
      steps.push({ candle, signals });
    }
  }
  return steps;
}

function signalAt(candle: Candle, buy: boolean, micros: number): ProducedSignal {
  const entry = candle.close;
  const direction = buy ? 'BUY' : 'SELL';
  const ts = new Date(candle.close_time + 1).toISOString().replace('Z', '');
  return {
    timestamp: `${ts}${String(micros % 1000).padStart(3, '0')}`,
    symbol: candle.symbol,
    direction,
    entry_price: entry,
    stop_loss: round(buy ? entry * 0.99 : entry * 1.01),
    take_profit: round(buy ? entry * 1.02 : entry * 0.98),
    leverage: 10,
    signal_strength: 70,
    timeframe: '1m',
    strategy_name: 'Consensus',
    metadata: {
      consensus_confidence: 70,
      strategies_agree: 3,
      risk_reward_ratio: 2,
      candle_time: new Date(candle.open_time).toISOString(),
      votes: [{ strategy: 'ema_cross', direction, confidence: 80, reason: 'cross' }],
      source: 'replay',
    },
  };
}

/**
 * Writes the burst as the generator does; returns each signal's `signals` id in order (the id
 * of the position it may open), so books from different runs can be compared by signal number.
 */
export async function publishBurst(publisher: MarketPublisher, steps: BurstStep[]): Promise<string[]> {
  const ids: string[] = [];
  for (const step of steps) ids.push(...(await publisher.publish(step.candle, step.signals)).signalIds);
  return ids;
}

/**
 * True once every symbol's last candle has been judged (its close is the symbol's last price):
 * handling in order per symbol, every earlier entry of the symbol has been handled too.
 */
export async function burstJudged(redis: Redis, steps: BurstStep[]): Promise<boolean> {
  const last = new Map<string, number>();
  for (const { candle } of steps) last.set(candle.symbol, candle.close_time);
  for (const [symbol, time] of last) {
    const raw = await redis.hget(KEYS.lastPrice, symbol);
    if (!raw || (JSON.parse(raw) as { time: number }).time !== time) return false;
  }
  return true;
}

/** A position as a trader sees it, by signal number: what opened, how and where it closed. */
export interface BookEntry {
  signal: number;
  symbol: string;
  direction: string;
  entry: number;
  status: 'opened' | 'closed';
  reason?: string;
  exit?: number;
  r?: number;
  /** The position's events on `positions`, in order: exactly ['opened', 'closed'] or ['opened']. */
  events: string[];
}

/** The book after a run: every stored position and its events, keyed by signal number. */
export async function readBook(redis: Redis, signalIds: string[]): Promise<{ book: BookEntry[]; closeRequests: number[] }> {
  const number = new Map(signalIds.map((id, i) => [id, i]));
  const events = new Map<string, string[]>();
  for (const [, fields] of (await redis.xrange(STREAMS.positions, '-', '+')) as [string, string[]][]) {
    const e = PositionEventSchema.parse(JSON.parse(fields[1]));
    events.set(e.position_id, [...(events.get(e.position_id) ?? []), e.type]);
  }
  const book: BookEntry[] = [];
  for (const [id, raw] of Object.entries(await redis.hgetall(KEYS.positions))) {
    const p = PositionEventSchema.parse(JSON.parse(raw));
    book.push({
      signal: number.get(id) ?? -1,
      symbol: p.symbol,
      direction: p.direction,
      entry: p.entry_price,
      status: p.type,
      ...(p.type === 'closed' ? { reason: p.reason, exit: p.exit_price, r: p.r_multiple } : {}),
      events: events.get(id) ?? [],
    });
  }
  const closeRequests = ((await redis.xrange(STREAMS.closeRequests, '-', '+')) as [string, string[]][]).map(
    ([, f]) => number.get((JSON.parse(f[1]) as { position_id: string }).position_id) ?? -1,
  );
  return { book: book.sort((a, b) => a.signal - b.signal), closeRequests: closeRequests.sort((a, b) => a - b) };
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

/** `count` numbers in [0, 1) from fast-check's seeded generator: the same burst on every run. */
function seededRandom(seed: number, count: number): () => number {
  const values = fc.sample(fc.noBias(fc.integer({ min: 0, max: 2 ** 30 - 1 })), { seed, numRuns: count });
  let i = 0;
  return () => values[i++ % values.length] / 2 ** 30;
}
