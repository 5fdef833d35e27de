/*
 * Lua scripts of the delivery state. Each runs atomically in Redis, which is what makes the
 * outbox, the sent record and the send windows agree across replicas. Times come from Redis
 * (`TIME`), so replicas with skewed clocks still share one timeline.
 */

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * Adds an entry to every chat's outbox unless that chat already has it sent or refused, and
 * stores the item once. Re-running it (a retried job, a redelivered entry) changes nothing.
 * The item's reference count (item-refs) is the number of outboxes holding the entry: COMMIT
 * deletes the item when it reaches 0, so items do not pile up for the whole retention; the TTL
 * (the retention) stays as a backstop for a sender that died between the two.
 * KEYS: item, item-refs, then (outbox, sent, failed) per chat. ARGV: item JSON, item TTL ms, score,
 * entry key.
 */
export const FAN_OUT = `
local created = redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX')
local added = 0
for i = 3, #KEYS, 3 do
  if not redis.call('ZSCORE', KEYS[i + 1], ARGV[4]) and not redis.call('ZSCORE', KEYS[i + 2], ARGV[4]) then
    added = added + redis.call('ZADD', KEYS[i], 'NX', ARGV[3], ARGV[4])
  end
end
if added > 0 then
  redis.call('INCRBY', KEYS[2], added)
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
elseif created then
  -- Every chat had it already (a job re-run after delivery): no outbox will read it.
  redis.call('DEL', KEYS[1])
end
return added
`;

/**
 * Takes the right to send the next message to one chat, or says why not and for how long.
 * Returns {state, ms, rank}: sent | failed | missing (the entry is no longer waiting for this
 * chat), paused (a 429 is being honoured), busy (another sender holds the chat), rate (a window is
 * full; ms until a slot frees), reserved. `rank` is the entry's place in the outbox (0: oldest).
 *
 * A reservation holds the chat lock and puts a placeholder in every window, scored in the future
 * (now + lock TTL) so an in-flight send always counts; COMMIT re-scores it to the moment the reply
 * came back. Counting from the reply rather than the request is what guarantees the receiver never
 * sees two sends to a chat closer than the window, whatever the network latency.
 *
 * KEYS: outbox, sent, failed, lock, pause, window 1..n. ARGV: entry key, owner, lock TTL ms,
 * then (max, window ms) per window.
 */
export const RESERVE = `
${NOW}
local rank = redis.call('ZRANK', KEYS[1], ARGV[1])
if not rank then
  if redis.call('ZSCORE', KEYS[2], ARGV[1]) then return {'sent', 0, -1} end
  if redis.call('ZSCORE', KEYS[3], ARGV[1]) then return {'failed', 0, -1} end
  return {'missing', 0, -1}
end
local paused = redis.call('PTTL', KEYS[5])
if paused > 0 then return {'paused', paused, rank} end
local held = redis.call('PTTL', KEYS[4])
if held ~= -2 then return {'busy', held, rank} end
local wait = 0
for i = 6, #KEYS do
  local j = (i - 6) * 2 + 4
  local max = tonumber(ARGV[j])
  local win = tonumber(ARGV[j + 1])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. (now - win))
  local n = redis.call('ZCARD', KEYS[i])
  if n >= max then
    local row = redis.call('ZRANGE', KEYS[i], n - max, n - max, 'WITHSCORES')
    local w = tonumber(row[2]) + win + 1 - now
    if w > win then w = win end
    if w > wait then wait = w end
  end
end
if wait > 0 then return {'rate', wait, rank} end
local ttl = tonumber(ARGV[3])
redis.call('SET', KEYS[4], ARGV[2], 'PX', ttl)
for i = 6, #KEYS do
  local win = tonumber(ARGV[(i - 6) * 2 + 5])
  redis.call('ZADD', KEYS[i], now + ttl, ARGV[2])
  redis.call('PEXPIRE', KEYS[i], win + ttl + 1000)
end
return {'reserved', now, rank}
`;

/**
 * Ends a reservation: re-scores its window placeholders to now, moves the given entries from the
 * outbox to `sent` or `failed` (outcome `released`: they stay in the outbox for the next try),
 * sets the 429 pause when asked, trims records older than the retention, frees the lock if still
 * ours. Moving an entry and recording it happen together: no state where it is in neither place.
 * An entry leaving this outbox drops its item's reference count, and the item once no outbox
 * holds it (see FAN_OUT).
 * KEYS: lock, outbox, sent, failed, pause, window 1..n, then (item, item-refs) per entry key.
 * ARGV: owner, outcome (sent | failed | released), retention ms, pause ms, entry keys...
 */
export const COMMIT = `
${NOW}
local entries = #ARGV - 4
local lastWindow = #KEYS - 2 * entries
for i = 6, lastWindow do redis.call('ZADD', KEYS[i], 'XX', now, ARGV[1]) end
if ARGV[2] ~= 'released' then
  local dest = KEYS[3]
  if ARGV[2] == 'failed' then dest = KEYS[4] end
  for i = 5, #ARGV do
    if redis.call('ZREM', KEYS[2], ARGV[i]) == 1 then
      local item = lastWindow + 2 * (i - 5) + 1
      if redis.call('DECR', KEYS[item + 1]) <= 0 then redis.call('DEL', KEYS[item], KEYS[item + 1]) end
    end
    redis.call('ZADD', dest, now, ARGV[i])
  end
  redis.call('ZREMRANGEBYSCORE', dest, '-inf', now - tonumber(ARGV[3]))
  redis.call('PEXPIRE', dest, ARGV[3])
end
local pause = tonumber(ARGV[4])
if pause > 0 and redis.call('PTTL', KEYS[5]) < pause then redis.call('SET', KEYS[5], '1', 'PX', pause) end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return now
`;
