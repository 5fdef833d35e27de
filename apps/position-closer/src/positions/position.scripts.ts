import { fenceCheckLua } from '@app/redis-streams';

/**
 * Lua scripts behind every position state change. Each one checks and writes the state AND
 * appends the event in one atomic step, so:
 * - two replicas (or a redelivered signal) never open the same position twice, and exactly one
 *   closer wins a close: a late max-hold job or a second replica's candle is a no-op;
 * - a crash can never leave a state change without its `positions` event, or an event without
 *   its state (no window between a write and a publish).
 * Each is fenced by the `market` shard lease of the replica that acts (the last KEY and ARGV; an
 * empty token for the max-hold and manual closes, which need none): a replica frozen past its
 * lease cannot change a symbol another replica has moved on.
 */

/** Numeric comparison of two stream ids (`ms-seq`) in Lua. */
const CMP_IDS = `
local function cmp(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  if am ~= bm then return am < bm and -1 or 1 end
  if as ~= bs then return as < bs and -1 or 1 end
  return 0
end
`;

/**
 * KEYS: state hash, open set, by-symbol hash, signal-cursor hash, positions stream, fence lease.
 * ARGV: id, symbol, opened event JSON, stream MAXLEN, fence token.
 * Returns `opened`, `exists` (this id was opened before), `stale` (a newer signal for the symbol
 * already got here) or `occupied` (another position is open for the symbol).
 */
export const OPEN_POSITION_LUA = `${CMP_IDS}
${fenceCheckLua(6, 5)}
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 'exists' end
local cursor = redis.call('HGET', KEYS[4], ARGV[2])
if cursor and cmp(cursor, ARGV[1]) > 0 then return 'stale' end
if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 1 then return 'occupied' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[2], ARGV[1])
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[4], '*', 'data', ARGV[3])
return 'opened'
`;

/**
 * KEYS: state hash, open set, by-symbol hash, positions stream, close-requests stream, fence lease.
 * ARGV: id, symbol, closed event JSON, close request JSON ('' for none), positions MAXLEN,
 * close-requests MAXLEN, fence token. Returns 1 when this call closed the position, 0 when it
 * was not open.
 */
export const CLOSE_POSITION_LUA = `${fenceCheckLua(6, 7)}
if redis.call('SREM', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
if redis.call('HGET', KEYS[3], ARGV[2]) == ARGV[1] then redis.call('HDEL', KEYS[3], ARGV[2]) end
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[5], '*', 'data', ARGV[3])
if ARGV[4] ~= '' then redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[6], '*', 'data', ARGV[4]) end
return 1
`;

/**
 * KEYS: last-price hash, fence lease. ARGV: symbol, candle close time (ms), JSON {price, time},
 * fence token. Keeps the newest price: candles re-read after a restart never move it back in time.
 */
export const RECORD_PRICE_LUA = `${fenceCheckLua(2, 4)}
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur and tonumber(cjson.decode(cur)['time']) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;
