/**
 * Every wire name of the platform: Redis streams, consumer groups, BullMQ queues and keys.
 *
 * Renaming any of these needs a migration: running services, stored acknowledgements and
 * consumer-group offsets all live under these names in Redis (scripts/redis-migrate-keys.ts moved
 * the names from before the hash tags; add to its table when renaming again).
 *
 * Every key starts with a hash tag (`{feed}:`, HASH_TAGS), so Redis Cluster puts all keys of one
 * tag in one slot: each Lua script, MULTI and multi-key command touches keys of one tag only.
 * A standalone Redis ignores the tags.
 */

/**
 * The hash tags, one per group of keys that a script or MULTI touches together:
 * - feed: `signals`, `market`, and the generator's checkpoints written in the same script;
 * - positions: the closer's state, `positions`, `close-requests`, its `market` shard leases and
 *   cursors (the position scripts are fenced by a shard lease) and its `market` dead letters;
 * - acks: the acknowledgement hash and `signal-acks`, written together;
 * - control: the kill switch's state and `control`, written together;
 * - notifier: the notifier's per-chat delivery state (one script spans the outboxes of every chat);
 * - telegram: the notifier's Telegram command lease and offset;
 * - latency: each stage's samples and count, written in one MULTI;
 * - bull: every BullMQ queue (BULLMQ_PREFIX): BullMQ's scripts touch many keys of a queue.
 */
export const HASH_TAGS = {
  feed: '{feed}',
  positions: '{positions}',
  acks: '{acks}',
  control: '{control}',
  notifier: '{notifier}',
  telegram: '{telegram}',
  latency: '{latency}',
  bull: '{bull}',
} as const;

const T = HASH_TAGS;

export const STREAMS = {
  /** Fused trade signals, one entry per signal (signal-generator → everyone). */
  signals: `${T.feed}:signals`,
  /**
   * The market as one ordered sequence, capped: every closed candle, each followed by the signals
   * made on it (signal-generator → position-closer, gateway). See MarketEntrySchema. The closers
   * read it by symbol shard (MARKET_SHARDS), not through a consumer group.
   */
  market: `${T.feed}:market`,
  /**
   * Position lifecycle events: opened / closed (position-closer → notifier, gateway). The
   * gateway's positions read model is built from it alone, so the closer trims it by what it
   * holds, not by length: the `opened` event of every open position and the newest
   * POSITIONS_HISTORY_MAX `closed` events always stay (see CLOSE_POSITION_LUA).
   */
  positions: `${T.positions}:positions`,
  /** Acknowledgement events, so every gateway replica (and SSE clients) learns of an ack. */
  acks: `${T.acks}:signal-acks`,
  /** Early-exit instructions for ATAS (opposite signal, max hold, manual). */
  closeRequests: `${T.positions}:close-requests`,
  /** Kill switch changes (gateway → every gateway replica, notifier). See ControlEventSchema. */
  control: `${T.control}:control`,
} as const;

export const GROUPS = {
  notifier: 'notifier',
  /**
   * The position-closer's name as a reader of `market` (metrics, dead letters). Before the
   * sharded read it was a consumer group on `market`; a leftover one can be destroyed.
   */
  positionCloser: 'position-closer',
} as const;

/**
 * Shards of `market` between position-closer replicas: a symbol's entries belong to shard
 * `shardOf(symbol, MARKET_SHARDS)` and are handled, in order, by the one replica holding it.
 * Also the most replicas that share the work. Changing it moves symbols to other shards, whose
 * cursors then mean nothing: stop every closer and delete `positions:shards:cursor` first (the
 * closers then re-read `market`, which is safe: a handled entry changes nothing again).
 */
export const MARKET_SHARDS = 16;

/**
 * Shards of the symbols between signal-generator replicas: a symbol's candles and signals are
 * published by the one replica holding shard `shardOf(symbol, GENERATOR_SHARDS)`. Also the most
 * replicas that share the publishing. Every replica must use the same value at once; the
 * checkpoints are per symbol (generatorDecidedKey), so changing it with every replica stopped
 * loses and repeats nothing.
 */
export const GENERATOR_SHARDS = 16;

/** Consumer groups that must exist on each stream before its first entry is written. */
export const STREAM_GROUPS: Record<string, readonly string[]> = {
  [STREAMS.signals]: [GROUPS.notifier],
  [STREAMS.positions]: [GROUPS.notifier],
  [STREAMS.control]: [GROUPS.notifier],
};

/**
 * BullMQ's key prefix (instead of its default `bull`) for every queue: a hash tag, as BullMQ asks
 * for on Redis Cluster, so each of its scripts finds a queue's keys in one slot.
 */
export const BULLMQ_PREFIX = T.bull;

export const QUEUES = {
  telegram: 'telegram',
  maxHold: 'position-max-hold',
  manualClose: 'position-manual-close',
} as const;

export const KEYS = {
  /** Hash: signal id → ISO time of its acknowledgement. */
  acks: `${T.acks}:signals:acks`,
  /**
   * Hash: position id → JSON of the position's latest event (`opened`, then `closed`). The
   * position-closer's private state: other services read the `positions` stream instead.
   */
  positions: `${T.positions}:positions:state`,
  /** Hash: open position id → id of its `opened` event on `positions`; trimming never passes the oldest. */
  openEventIds: `${T.positions}:positions:open-event`,
  /** List: ids of the newest `closed` events on `positions`, newest first, capped at the history kept. */
  closedEventIds: `${T.positions}:positions:closed-events`,
  /**
   * List: ids of the newest closed positions, newest first, capped at the history kept
   * (POSITIONS_HISTORY_MAX): the state (`positions:state`) of a position pushed out is deleted.
   */
  closedPositionIds: `${T.positions}:positions:closed`,
  /** Set: ids of open positions. */
  openPositions: `${T.positions}:positions:open`,
  /** Hash: symbol → id of its open position (at most one per symbol). */
  openBySymbol: `${T.positions}:positions:by-symbol`,
  /** Hash: symbol → highest signal id that reached the position-closer (late, older signals open nothing). */
  signalCursorBySymbol: `${T.positions}:positions:signal-cursor`,
  /** Hash: symbol → JSON {price, time} of the newest candle close: max-hold and manual closes exit there. */
  lastPrice: `${T.positions}:positions:last-price`,
  /**
   * Prefix of the closers' `market` shards (ShardedStreamReader): `:members` (zset of live
   * replicas), `:lease:<shard>` (the holder's token), `:cursor` (hash: shard → id of the last
   * `market` entry of that shard handled).
   */
  closerShards: `${T.positions}:positions:shards`,
  /**
   * Stream: `market` entries the closers failed on too often (ShardedStreamReader's dead letters).
   * Under the closers' tag, not `market`'s: it is written in one script with their shard lease and
   * cursor.
   */
  closerDeadLetters: `${T.positions}:market:dead`,
  /**
   * Prefix of the notifier's delivery state: per-chat outboxes, sent/failed records, send windows,
   * chat locks, the 429 pause (layout in apps/notifier/README.md).
   */
  notifierDelivery: `${T.notifier}:notifier`,
  /**
   * Prefix of the notifier's Telegram command state: `:lease` (the one replica that long-polls
   * getUpdates), `:offset` (the next update id to ask for, committed after each update is
   * answered), `:update:<id>` (webhook updates already taken by a replica).
   */
  telegramCommands: `${T.telegram}:telegram:commands`,
  /** Prefix of the delivery stages' recent latency samples (latencySamplesKey). */
  latencySamples: `${T.latency}:latency`,
  /** String: JSON of the kill switch's current ControlState (absent: enabled). */
  control: `${T.control}:control:state`,
  /**
   * Prefix of the generator's per-(source, symbol, timeframe) checkpoint: a string holding the
   * open time of the last candle whose decision is on `market` (generatorDecidedKey). Renaming it
   * makes a restarted generator publish its decisions again.
   */
  generatorDecided: `${T.feed}:generator:decided`,
  /**
   * Prefix of the generator replicas' symbol shards (ShardLeases): `:members` (zset of live
   * replicas), `:lease:<shard>` (the holder's token, which fences its publishes). In `{feed}`: the
   * publish script checks the lease in the same slot as the streams it writes.
   */
  generatorShards: `${T.feed}:generator:shards`,
} as const;

/**
 * Delivery stages measured outside the gateway, whose recent samples live in Redis
 * (`latencySamplesKey`) so the gateway's /api/stats can report them: candle close → signal on the
 * stream (signal-generator), stream → Telegram accepted per chat (notifier).
 */
export const FLEET_LATENCY_STAGES = ['candle_to_signal', 'telegram'] as const;
export type FleetLatencyStage = (typeof FLEET_LATENCY_STAGES)[number];

/** The list of a stage's recent samples (seconds, newest first); `<key>:count` counts all. */
export function latencySamplesKey(stage: FleetLatencyStage): string {
  return `${KEYS.latencySamples}:${stage}`;
}

/** The checkpoint key of one feed: `source` keeps a replay of old data apart from the live feed. */
export function generatorDecidedKey(source: string, symbol: string, timeframe: string): string {
  return `${KEYS.generatorDecided}:${source}:${symbol}:${timeframe}`;
}

/** Approximate MAXLEN caps for XADD ~. Not `positions`: it is trimmed by what it holds (POSITIONS_HISTORY_DEFAULT). */
export const STREAM_MAXLEN = {
  [STREAMS.signals]: 10_000,
  [STREAMS.market]: 50_000,
  [STREAMS.acks]: 10_000,
  [STREAMS.closeRequests]: 10_000,
  [STREAMS.control]: 10_000,
} as const;

/**
 * Default of POSITIONS_HISTORY_MAX: the closed positions the `positions` stream keeps (closer)
 * and the gateway's read model serves. Both services take the same value.
 */
export const POSITIONS_HISTORY_DEFAULT = 10_000;

/**
 * A name without its leading hash tag (`{feed}:signals` → `signals`): for ids that must not carry
 * the tag (BullMQ job ids refuse `:`), and that must stay what they were before the tags.
 */
export function withoutHashTag(name: string): string {
  return name.replace(/^\{[^}]*\}:/, '');
}
