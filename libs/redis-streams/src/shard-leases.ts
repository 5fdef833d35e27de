import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { defineScripts, luaScript } from './define-scripts';
import type { Fence } from './fence';

/**
 * KEYS: members zset, then the lease key of each shard (0, 1, ...). ARGV: token, lease ms.
 * One heartbeat of one replica, atomic so every replica sees one consistent assignment:
 * - the replica's membership is renewed (score: its expiry on Redis's clock) and expired members
 *   are dropped, so a replica that died stops counting after one lease;
 * - each shard, in order, belongs to the live member with the highest sha1(member#shard) among
 *   those below ceil(shards / members) shards (rendezvous hashing with bounded load: every
 *   member gets its share, and a member joining or leaving moves few shards);
 * - the shards assigned to this replica are taken when free or extended when already its own;
 *   a shard it holds but is no longer assigned is released, for its new owner to take.
 * Returns {held shards, shards taken in this call}; a shard taken (not extended) may have been
 * held by another replica in between, so its cursor must be read again.
 */
const TICK_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local me, ttl = ARGV[1], tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + ttl, me)
redis.call('PEXPIRE', KEYS[1], ttl * 2)
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
local cap = math.ceil((#KEYS - 1) / #members)
local load = {}
local held, taken = {}, {}
for i = 2, #KEYS do
  local shard = i - 2
  local best, bestScore = nil, nil
  for _, m in ipairs(members) do
    local s = redis.sha1hex(m .. '#' .. shard)
    if (load[m] or 0) < cap and (not bestScore or s > bestScore) then best, bestScore = m, s end
  end
  load[best] = (load[best] or 0) + 1
  local cur = redis.call('GET', KEYS[i])
  if best == me then
    if cur == me then
      redis.call('PEXPIRE', KEYS[i], ttl)
      held[#held + 1] = shard
    elseif not cur then
      redis.call('SET', KEYS[i], me, 'PX', ttl)
      held[#held + 1] = shard
      taken[#taken + 1] = shard
    end
  elseif cur == me then
    redis.call('DEL', KEYS[i])
  end
end
return { held, taken }
`;

/** KEYS: members zset, then every shard's lease key. ARGV: token. Leaves at once: no waiting out a lease. */
const LEAVE_LUA = `
redis.call('ZREM', KEYS[1], ARGV[1])
for i = 2, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
end
return 1
`;

export interface ShardLeasesOptions {
  /** Key prefix: `<prefix>:members` (live replicas) and `<prefix>:lease:<shard>`. */
  prefix: string;
  /** Number of shards, the same for every replica. */
  shards: number;
  /** Readable part of this replica's token (its name), for logs and `CLIENT`-side debugging. */
  owner: string;
  /**
   * A replica that stops renewing (dead, frozen, cut off) loses its membership and its shards
   * after this long; `tick()` must run several times within it. Default 5000.
   */
  leaseMs?: number;
}

export interface ShardTick {
  /** Every shard this replica holds now. */
  held: number[];
  /** The subset taken in this tick rather than extended: another replica may have moved it on. */
  taken: number[];
}

/**
 * Splits `shards` between the live replicas through leases in Redis (RedisLease is the one-holder
 * form), each replica holding its shards exclusively; a replica that dies loses them within `leaseMs` and the others take them
 * over. The holder acts under its `fence(shard)`, which scripts check, so a replica that was
 * frozen past its lease cannot act on a shard another replica has taken since.
 */
export class ShardLeases {
  readonly token: string;
  readonly leaseMs: number;
  private heldUntil = 0;
  private readonly scripts;
  private readonly keys: string[];

  constructor(
    redis: Redis,
    private readonly opts: ShardLeasesOptions,
  ) {
    this.token = `${opts.owner}/${randomUUID()}`;
    this.leaseMs = opts.leaseMs ?? 5000;
    this.keys = [`${opts.prefix}:members`, ...Array.from({ length: opts.shards }, (_, i) => this.leaseKey(i))];
    this.scripts = defineScripts(redis, {
      shardLeasesTick: luaScript<[number[], number[]]>(TICK_LUA),
      shardLeasesLeave: luaScript<number>(LEAVE_LUA),
    });
  }

  leaseKey(shard: number): string {
    return `${this.opts.prefix}:lease:${shard}`;
  }

  fence(shard: number): Fence {
    return { key: this.leaseKey(shard), token: this.token };
  }

  /** Heartbeat: renews, takes and releases shards as assigned. Run every `leaseMs / 5` or so. */
  async tick(): Promise<ShardTick> {
    const sentAt = performance.now();
    const [held, taken] = await this.scripts.shardLeasesTick(this.keys.length, ...this.keys, this.token, this.leaseMs);
    // By our own clock, from before the request: stop acting before Redis can give a shard away.
    this.heldUntil = held.length ? sentAt + this.leaseMs * 0.8 : 0;
    return { held: held.map(Number), taken: taken.map(Number) };
  }

  /** False once the last successful tick is too old to trust (Redis unreachable): act on nothing. */
  isCurrent(): boolean {
    return performance.now() < this.heldUntil;
  }

  /** Gives every shard up and leaves (a clean stop), so the others take over at their next tick. */
  async leave(): Promise<void> {
    this.heldUntil = 0;
    await this.scripts.shardLeasesLeave(this.keys.length, ...this.keys, this.token);
  }
}
