import type Redis from 'ioredis';
import {
  ControlStateSchema,
  DATA_FIELD,
  DEFAULT_CONTROL_STATE,
  KEYS,
  STREAM_GROUPS,
  STREAM_MAXLEN,
  STREAMS,
  type ControlState,
  type TradingState,
} from '@app/contracts';
import { defineScripts, luaScript } from './define-scripts';
import { ensureGroup } from './ensure-group';

/**
 * Compare, SET and XADD in one script: the key decides across every writer what the state is,
 * and an event is published exactly when the state really changed (pausing twice announces once
 * and keeps the first `since`). KEYS: state key, control stream. ARGV: new state JSON, MAXLEN,
 * entry field. Returns [1, new state JSON, entry id] or [0, current state JSON, ''].
 */
const CHANGE_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
local prev = 'enabled'
if cur then prev = cjson.decode(cur).trading end
local next = cjson.decode(ARGV[1])
if prev == next.trading then return {0, cur or '', ''} end
redis.call('SET', KEYS[1], ARGV[1])
next.previous = prev
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', ARGV[3], cjson.encode(next))
return {1, ARGV[1], id}
`;

export interface ControlChange {
  state: ControlState;
  /** False when the switch already was in that state (nothing written, nothing announced). */
  changed: boolean;
  /** The `control` stream entry of the change, when there was one. */
  entryId: string | null;
}

/**
 * The kill switch's one store, shared by the gateway (its API) and the notifier (its Telegram
 * commands): the current state under `KEYS.control`, every change on `STREAMS.control`.
 */
export class ControlStore {
  private readonly scripts;
  private groupsReady = false;

  constructor(private readonly redis: Redis) {
    this.scripts = defineScripts(redis, { controlChange: luaScript<[number, string, string]>(CHANGE_SCRIPT, 2) });
  }

  /** The current state; the default (enabled) when never set or unreadable. */
  async read(): Promise<ControlState> {
    return parseState(await this.redis.get(KEYS.control));
  }

  async change(trading: TradingState, by: string, now = new Date()): Promise<ControlChange> {
    if (!this.groupsReady) {
      // Before the first XADD, so a notifier started later still announces this change.
      for (const group of STREAM_GROUPS[STREAMS.control] ?? []) await ensureGroup(this.redis, STREAMS.control, group);
      this.groupsReady = true;
    }
    const next = ControlStateSchema.parse({ trading, since: now.toISOString(), by });
    const [fresh, json, id] = await this.scripts.controlChange(KEYS.control, STREAMS.control, JSON.stringify(next), STREAM_MAXLEN[STREAMS.control], DATA_FIELD);
    return { state: parseState(json), changed: fresh === 1, entryId: id || null };
  }
}

function parseState(json: string | null | undefined): ControlState {
  if (!json) return DEFAULT_CONTROL_STATE;
  try {
    const parsed = ControlStateSchema.safeParse(JSON.parse(json));
    // A damaged key must not silently unpause: treat it as paused until someone sets it again.
    return parsed.success ? parsed.data : { trading: 'paused', since: new Date().toISOString(), by: 'unreadable control state' };
  } catch {
    return { trading: 'paused', since: new Date().toISOString(), by: 'unreadable control state' };
  }
}
