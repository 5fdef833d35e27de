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

interface PendingCall {
  name: string;
  args: (string | number)[];
  resolve: (reply: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * As defineScripts, but the calls made in one turn of the event loop go to Redis as one pipeline:
 * one socket write (and one reply read) for a burst of calls instead of one per call. Each call
 * still settles on its own reply or error: a pipeline is not a transaction, so each script stays
 * atomic by itself, a script that fails (FENCED, a Redis error) fails only its caller, and calls
 * run in the order they were made (one connection, one pipeline after another). The NOSCRIPT
 * fallback to EVAL works inside a pipeline too (ioredis resends that one command).
 *
 * Hand-written rather than ioredis's `enableAutoPipelining`, which batches every command of the
 * connection: the command connection is shared, and only these scripts are meant to wait for the
 * turn to end. The batch is sent from `setImmediate`, after the I/O callbacks of the turn, so the
 * closes that arrive in one read of each socket go out together.
 */
export function defineBatchedScripts<S extends Record<string, LuaScript<unknown>>>(redis: Redis, scripts: S): Scripts<S> {
  defineScripts(redis, scripts);
  let batch: PendingCall[] | undefined;
  const flush = (): void => {
    const calls = batch ?? [];
    batch = undefined;
    const pipeline = redis.pipeline();
    const commands = pipeline as unknown as Record<string, (...args: (string | number)[]) => unknown>;
    try {
      for (const call of calls) commands[call.name](...call.args);
    } catch (err) {
      // Thrown here it would be an uncaught exception (this runs from setImmediate): the callers get it.
      for (const call of calls) call.reject(err);
      return;
    }
    pipeline.exec().then(
      (replies) => {
        calls.forEach((call, i) => {
          const reply = replies?.[i];
          if (!reply) call.reject(new Error(`script ${call.name}: no reply in its pipeline`));
          else if (reply[0]) call.reject(reply[0]);
          else call.resolve(reply[1]);
        });
      },
      (err: unknown) => calls.forEach((call) => call.reject(err)),
    );
  };
  const out: Record<string, ScriptCall<unknown>> = {};
  for (const name of Object.keys(scripts)) {
    out[name] = (...args) =>
      new Promise((resolve, reject) => {
        if (batch === undefined) {
          batch = [];
          setImmediate(flush);
        }
        batch.push({ name, args, resolve, reject });
      });
  }
  return out as Scripts<S>;
}
