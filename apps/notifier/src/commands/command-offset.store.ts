import type Redis from 'ioredis';
import { defineScripts, luaScript } from '@app/redis-streams';

/**
 * Moves the committed getUpdates offset forward, only for the lease holder: a replica that lost
 * the lease (stalled past its TTL) cannot commit, so its successor's position is never moved by
 * it. KEYS: lease, offset. ARGV: holder token, next offset. 1 = committed, 0 = not the holder.
 */
const COMMIT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local cur = tonumber(redis.call('GET', KEYS[2]) or '0')
if tonumber(ARGV[2]) > cur then redis.call('SET', KEYS[2], ARGV[2]) end
return 1
`;

/**
 * Where the polling replica is in Telegram's update queue: the id of the next update to ask
 * for (getUpdates `offset`), committed after each update is answered. A replica taking over asks
 * from there, so Telegram hands it every update not yet answered, and none that was.
 */
export class CommandOffsetStore {
  private readonly scripts;

  constructor(
    private readonly redis: Redis,
    private readonly keys: { lease: string; offset: string },
  ) {
    this.scripts = defineScripts(redis, { commandOffsetCommit: luaScript<number>(COMMIT, 2) });
  }

  /** The next update id to ask for; 0 before any update was answered (Telegram: the oldest it has). */
  async read(): Promise<number> {
    const raw = await this.redis.get(this.keys.offset);
    const n = raw === null ? 0 : Number(raw);
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  }

  /** False when `token` no longer holds the lease (nothing written). */
  async commit(token: string, next: number): Promise<boolean> {
    return (await this.scripts.commandOffsetCommit(this.keys.lease, this.keys.offset, token, next)) === 1;
  }
}
