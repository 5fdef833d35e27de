import type Redis from 'ioredis';
import { CandleSchema, ProducedSignalSchema, STREAM_MAXLEN, STREAMS, type Candle, type ProducedSignal } from '@app/contracts';
import { defineScripts, luaScript } from './define-scripts';
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

  constructor(redis: Redis) {
    this.scripts = defineScripts(redis, { marketAppend: luaScript<string[]>(APPEND_LUA, 2) });
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
