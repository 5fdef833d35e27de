import type Redis from 'ioredis';
import { CandleSchema, ProducedSignalSchema, STREAM_MAXLEN, STREAMS, type Candle, type ProducedSignal } from '@app/contracts';
import { defineBatchedScripts, defineScripts, luaScript } from './define-scripts';
import { fenceCheckLua, type Fence } from './fence';
import { validatePayload } from './stream-publisher';

/**
 * KEYS: market, signals. ARGV: market MAXLEN, signals MAXLEN, candle entry JSON ('' for none),
 * then one signal JSON each. Appends the candle to `market`, then each signal to `signals` and,
 * right after, to `market` carrying its new `signals` id. Returns the candle's id ('' for none)
 * and then each signal's `signals` id.
 *
 * A Lua script rather than MULTI: the `market` entry of a signal must carry the id Redis gives
 * the `signals` entry, which a MULTI cannot pass from one command to the next.
 */
const APPEND_LUA = `
local ids = { '' }
if ARGV[3] ~= '' then ids[1] = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'data', ARGV[3]) end
for i = 4, #ARGV do
  local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'data', ARGV[i])
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'data', '{"kind":"signal","signal_id":"' .. id .. '","signal":' .. ARGV[i] .. '}')
  ids[#ids + 1] = id
end
return ids
`;

/**
 * KEYS: market, signals, decided, lease. ARGV: market MAXLEN, signals MAXLEN, candle open time,
 * candle entry JSON, lease token ('' for none), then one signal JSON each. `decided` holds the
 * open time of the last candle whose decision was published for one (source, symbol, timeframe):
 * a candle at or before it is refused (an empty reply) and nothing is written. Otherwise the
 * appends of APPEND_LUA and the new `decided` happen in the same script, so no crash, restart or
 * second generator can publish one candle's decision twice or write it without its checkpoint.
 * With a token, the script is refused (FENCED) unless `lease` still holds it: a replica that lost
 * its symbol's shard (paused, cut off) cannot publish after the replica that took it over.
 */
const APPEND_ONCE_LUA = `${fenceCheckLua(4, 5)}
local last = redis.call('GET', KEYS[3])
if last and tonumber(last) >= tonumber(ARGV[3]) then return {} end
local ids = { redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'data', ARGV[4]) }
for i = 6, #ARGV do
  local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'data', ARGV[i])
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'data', '{"kind":"signal","signal_id":"' .. id .. '","signal":' .. ARGV[i] .. '}')
  ids[#ids + 1] = id
end
redis.call('SET', KEYS[3], ARGV[3])
return ids
`;

export interface MarketAppend {
  /** The candle's id on `market`, null when none was given. */
  candleId: string | null;
  /** Each signal's id on `signals` (its position id), in the order given. */
  signalIds: string[];
}

/**
 * Writes the market as one ordered sequence (MarketEntrySchema): a closed candle and the signals
 * made on it in one atomic step, so no reader can see a signal without its candle before it, or
 * the next candle before the signal. The signals also go to `signals`, which the gateway and the
 * notifier follow. Every payload is validated first (InvalidPayloadError); a signal must say
 * where it comes from (ProducedSignalSchema).
 */
export class MarketPublisher {
  private readonly scripts;
  /**
   * The once-per-candle publish is batched per event-loop turn: when every symbol closes its
   * candle in the same second, the burst's publishes leave in one socket write instead of one
   * each (that write path was ~10 % of the live generator's CPU in the bench:live profile).
   */
  private readonly batched;

  constructor(redis: Redis) {
    this.scripts = defineScripts(redis, { marketAppend: luaScript<string[]>(APPEND_LUA, 2) });
    this.batched = defineBatchedScripts(redis, { marketAppendOnce: luaScript<string[]>(APPEND_ONCE_LUA, 4) });
  }

  /**
   * As publish, once per candle: `decidedKey` (KEYS.generatorDecided) records the last candle
   * published for its symbol and timeframe. Returns undefined, writing nothing, when this candle
   * or a later one was already published under that key. With `fence`, throws FENCED (isFenced)
   * and writes nothing unless the caller still holds that lease.
   */
  async publishOnce(decidedKey: string, candle: Candle, signals: ProducedSignal[] = [], fence?: Fence): Promise<MarketAppend | undefined> {
    const candleJson = JSON.stringify({ kind: 'candle', ...validatePayload(STREAMS.market, CandleSchema, candle) });
    const signalJson = signals.map((s) => JSON.stringify(validatePayload(STREAMS.signals, ProducedSignalSchema, s)));
    const ids = await this.batched.marketAppendOnce(
      STREAMS.market,
      STREAMS.signals,
      decidedKey,
      // An unfenced call still names a key (the decided key itself, never read as a lease) so the
      // script's keys stay declared.
      fence?.key ?? decidedKey,
      STREAM_MAXLEN[STREAMS.market],
      STREAM_MAXLEN[STREAMS.signals],
      candle.open_time,
      candleJson,
      fence?.token ?? '',
      ...signalJson,
    );
    if (ids.length === 0) return undefined;
    const [candleId, ...signalIds] = ids;
    return { candleId, signalIds };
  }

  async publish(candle: Candle | null, signals: ProducedSignal[] = []): Promise<MarketAppend> {
    const candleJson = candle ? JSON.stringify({ kind: 'candle', ...validatePayload(STREAMS.market, CandleSchema, candle) }) : '';
    const signalJson = signals.map((s) => JSON.stringify(validatePayload(STREAMS.signals, ProducedSignalSchema, s)));
    const [candleId, ...signalIds] = await this.scripts.marketAppend(
      STREAMS.market,
      STREAMS.signals,
      STREAM_MAXLEN[STREAMS.market],
      STREAM_MAXLEN[STREAMS.signals],
      candleJson,
      ...signalJson,
    );
    return { candleId: candleId || null, signalIds };
  }
}
