import type Redis from 'ioredis';

/** A Lua script and the type of its reply (a phantom field: only the type checker reads it). */
export interface LuaScript<R> {
  /** How many arguments are KEYS; undefined: the first argument says, as EVAL's numkeys. */
  readonly keys: number | undefined;
  readonly lua: string;
  readonly reply?: R;
}

/**
 * `keys` KEYS first, then ARGV, as in EVAL; without `keys`, the call passes the key count
 * first. The reply type is the caller's promise about the Lua.
 */
export function luaScript<R>(lua: string, keys?: number): LuaScript<R> {
  return { keys, lua };
}

export type ScriptCall<R> = (...keysThenArgs: (string | number)[]) => Promise<R>;
export type Scripts<S> = { [K in keyof S]: S[K] extends LuaScript<infer R> ? ScriptCall<R> : never };

/**
 * Typed Lua scripts on one connection, run by EVALSHA with ioredis's fallback to EVAL when
 * Redis does not have the script yet (after a restart or a failover). The returned functions are
 * the only way the scripts are called, so no module augments ioredis's types or casts a client.
 */
export function defineScripts<S extends Record<string, LuaScript<unknown>>>(redis: Redis, scripts: S): Scripts<S> {
  const out: Record<string, ScriptCall<unknown>> = {};
  const commands = redis as unknown as Record<string, ScriptCall<unknown>>;
  for (const [name, script] of Object.entries(scripts)) {
    redis.defineCommand(name, script.keys === undefined ? { lua: script.lua } : { numberOfKeys: script.keys, lua: script.lua });
    out[name] = (...args) => commands[name](...args);
  }
  return out as Scripts<S>;
}
