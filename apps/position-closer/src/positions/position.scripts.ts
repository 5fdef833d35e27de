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
 * KEYS: state hash, open set, by-symbol hash, signal-cursor hash, positions stream, open-event
 * hash, fence lease. ARGV: id, symbol, opened event JSON, fence token.
 * Returns `opened`, `exists` (this id was opened before), `stale` (a newer signal for the symbol
 * already got here, or this one did and its closed state has since been pruned) or `occupied`
 * (another position is open for the symbol). The `opened`
 * event's stream id is recorded (open-event hash) so trimming keeps it while the position is open.
 */
export const OPEN_POSITION_LUA = `${CMP_IDS}
${fenceCheckLua(7, 4)}
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 'exists' end
local cursor = redis.call('HGET', KEYS[4], ARGV[2])
-- At the cursor and unknown: this very signal opened a position whose closed state was pruned.
if cursor and cmp(cursor, ARGV[1]) >= 0 then return 'stale' end
if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 1 then return 'occupied' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[2], ARGV[1])
local at = redis.call('XADD', KEYS[5], '*', 'data', ARGV[3])
redis.call('HSET', KEYS[6], ARGV[1], at)
return 'opened'
`;

/**
 * KEYS: state hash, open set, by-symbol hash, positions stream, close-requests stream,
 * open-event hash, closed-events list, closed-positions list, fence lease.
 * ARGV: id, symbol, closed event JSON, close request JSON ('' for none), closed positions kept,
 * close-requests MAXLEN, fence token. Returns 1 when this call closed the position, 0 when it
 * was not open.
 *
 * Then trims `positions` by what it must hold, not by length: the gateway rebuilds its positions
 * from this stream alone, so it keeps every entry from the oldest of (the newest `kept` closed
 * events, the `opened` event of each open position). An open position's `opened` event is never
 * trimmed however many positions close meanwhile; a position still open from before these ids
 * were recorded (no open-event entry) holds trimming off until it closes. Exact MINID, not `~`:
 * closes are rare, and the history kept is then exactly the configured one.
 *
 * The state hash keeps the same number of closed positions: the one pushed out of the closed
 * list is deleted from it. A redelivered signal of a deleted position opens nothing (`stale`).
 */
export const CLOSE_POSITION_LUA = `${CMP_IDS}
${fenceCheckLua(9, 7)}
if redis.call('SREM', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
if redis.call('HGET', KEYS[3], ARGV[2]) == ARGV[1] then redis.call('HDEL', KEYS[3], ARGV[2]) end
local at = redis.call('XADD', KEYS[4], '*', 'data', ARGV[3])
if ARGV[4] ~= '' then redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[6], '*', 'data', ARGV[4]) end
redis.call('HDEL', KEYS[6], ARGV[1])
local kept = tonumber(ARGV[5])
redis.call('LPUSH', KEYS[8], ARGV[1])
while redis.call('LLEN', KEYS[8]) > kept do redis.call('HDEL', KEYS[1], redis.call('RPOP', KEYS[8])) end
redis.call('LPUSH', KEYS[7], at)
redis.call('LTRIM', KEYS[7], 0, kept - 1)
local floor = redis.call('LINDEX', KEYS[7], kept - 1)
if not floor then return 1 end
for _, open in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local opened = redis.call('HGET', KEYS[6], open)
  if not opened then return 1 end
  if cmp(opened, floor) < 0 then floor = opened end
end
redis.call('XTRIM', KEYS[4], 'MINID', floor)
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
