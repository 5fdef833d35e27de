import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { defineScripts, luaScript } from './define-scripts';

/** SET NX, or extend when we already hold it. KEYS: the lease key. ARGV: token, ttl ms. 1 = ours. */
const ACQUIRE = `
local cur = redis.call('GET', KEYS[1])
if not cur then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if cur == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

/** DEL only our own lease, never a successor's. KEYS: the lease key. ARGV: token. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface RedisLeaseOptions {
  /** The Redis key; its value is the holder's token. */
  key: string;
  /** How long a holder that stopped renewing (a dead process) keeps it. */
  ttlMs: number;
  /** Readable part of the token (a replica name), for `holder()` and logs. */
  owner: string;
}

/**
 * One holder at a time across processes, with a short TTL that the holder renews: a holder that
 * dies loses it after `ttlMs`, and another takes it over. The holder considers itself the holder
 * only until 90 % of the TTL after the moment it sent its last successful renewal, so it stops
 * acting before Redis could hand the lease to someone else (even if the renewal's reply was slow).
 * Anything that must never be done by two holders should still be fenced in Redis with
 * `token` (see `isHolder` in a script), because a process can stall between check and act.
 */
export class RedisLease {
  readonly token: string;
  private heldUntil = 0;
  private readonly scripts;

  constructor(
    private readonly redis: Redis,
    private readonly opts: RedisLeaseOptions,
  ) {
    this.token = `${opts.owner}/${randomUUID()}`;
    this.scripts = defineScripts(redis, {
      leaseAcquire: luaScript<number>(ACQUIRE, 1),
      leaseRelease: luaScript<number>(RELEASE, 1),
    });
  }

  /** Takes the lease if free, or extends it if ours. True when we hold it now. */
  async acquire(): Promise<boolean> {
    const sentAt = performance.now();
    const ok = (await this.scripts.leaseAcquire(this.opts.key, this.token, this.opts.ttlMs)) === 1;
    this.heldUntil = ok ? sentAt + this.opts.ttlMs * 0.9 : 0;
    return ok;
  }

  /** By our own clock: true until shortly before Redis could give the lease to another. */
  isHeld(): boolean {
    return performance.now() < this.heldUntil;
  }

  /** Gives the lease up at once (a graceful stop), so a successor need not wait out the TTL. */
  async release(): Promise<void> {
    this.heldUntil = 0;
    await this.scripts.leaseRelease(this.opts.key, this.token);
  }

  /** Forget the lease locally (e.g. a fenced write found someone else holds it). */
  lost(): void {
    this.heldUntil = 0;
  }
}
