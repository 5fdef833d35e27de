/**
 * Proof that the caller holds a lease, checked inside the Lua script that acts on it: a process
 * that stalled (a pause, a frozen socket) past its lease's expiry, while another replica took
 * it over, has its late writes refused instead of applied out of order.
 */
export interface Fence {
  /** The lease key. */
  key: string;
  /** The holder's token (a ShardLeases' or a RedisLease's): the key's value while the lease is held. */
  token: string;
}

/** The prefix of the error a fenced script returns. */
export const FENCED = 'FENCED';

/**
 * Lua that refuses the script unless KEYS[keyIndex] holds ARGV[argIndex]; an empty token means
 * "not fenced" (callers that need no lease, such as a max-hold job).
 */
export function fenceCheckLua(keyIndex: number, argIndex: number): string {
  return `if ARGV[${argIndex}] ~= '' and redis.call('GET', KEYS[${keyIndex}]) ~= ARGV[${argIndex}] then return redis.error_reply('${FENCED} lease ' .. KEYS[${keyIndex}] .. ' is no longer held') end\n`;
}

/** True when a script refused to act because the caller's lease is gone. */
export function isFenced(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith(FENCED);
}
