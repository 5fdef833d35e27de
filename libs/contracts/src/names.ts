/**
 * Every wire name of the platform: Redis streams, consumer groups, BullMQ queues and keys.
 *
 * Renaming any of these needs a migration: running services, stored acknowledgements and
 * consumer-group offsets all live under these names in Redis.
 */
export const STREAMS = {
  /** Fused trade signals, one entry per signal (signal-generator → everyone). */
  signals: 'signals',
  /**
   * The market as one ordered sequence, capped: every closed candle, each followed by the signals
   * made on it (signal-generator → position-closer, gateway). See MarketEntrySchema. The closers
   * read it by symbol shard (MARKET_SHARDS), not through a consumer group.
   */
  market: 'market',
  /**
   * Position lifecycle events: opened / closed (position-closer → notifier, gateway). The
   * gateway's positions read model is built from it alone, so the closer trims it by what it
   * holds, not by length: the `opened` event of every open position and the newest
   * POSITIONS_HISTORY_MAX `closed` events always stay (see CLOSE_POSITION_LUA).
   */
  positions: 'positions',
  /** Acknowledgement events, so every gateway replica (and SSE clients) learns of an ack. */
  acks: 'signal-acks',
  /** Early-exit instructions for ATAS (opposite signal, max hold, manual). */
  closeRequests: 'close-requests',
  /** Kill switch changes (gateway → every gateway replica, notifier). See ControlEventSchema. */
  control: 'control',
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

export const QUEUES = {
  telegram: 'telegram',
  maxHold: 'position-max-hold',
  manualClose: 'position-manual-close',
} as const;

export const KEYS = {
  /** Hash: signal id → ISO time of its acknowledgement. */
  acks: 'signals:acks',
  /**
   * Hash: position id → JSON of the position's latest event (`opened`, then `closed`). The
   * position-closer's private state: other services read the `positions` stream instead.
   */
  positions: 'positions:state',
  /** Hash: open position id → id of its `opened` event on `positions`; trimming never passes the oldest. */
  openEventIds: 'positions:open-event',
  /** List: ids of the newest `closed` events on `positions`, newest first, capped at the history kept. */
  closedEventIds: 'positions:closed-events',
  /**
   * List: ids of the newest closed positions, newest first, capped at the history kept
   * (POSITIONS_HISTORY_MAX): the state (`positions:state`) of a position pushed out is deleted.
   */
  closedPositionIds: 'positions:closed',
  /** Set: ids of open positions. */
  openPositions: 'positions:open',
  /** Hash: symbol → id of its open position (at most one per symbol). */
  openBySymbol: 'positions:by-symbol',
  /** Hash: symbol → highest signal id that reached the position-closer (late, older signals open nothing). */
  signalCursorBySymbol: 'positions:signal-cursor',
  /** Hash: symbol → JSON {price, time} of the newest candle close: max-hold and manual closes exit there. */
  lastPrice: 'positions:last-price',
  /**
   * Prefix of the closers' `market` shards (ShardedStreamReader): `:members` (zset of live
   * replicas), `:lease:<shard>` (the holder's token), `:cursor` (hash: shard → id of the last
   * `market` entry of that shard handled).
   */
  closerShards: 'positions:shards',
  /**
   * Prefix of the notifier's delivery state: per-chat outboxes, sent/failed records, send windows,
   * chat locks, the 429 pause (layout in apps/notifier/README.md).
   */
  notifierDelivery: 'notifier',
  /**
   * Prefix of the notifier's Telegram command state: `:lease` (the one replica that long-polls
   * getUpdates), `:offset` (the next update id to ask for, committed after each update is
   * answered), `:update:<id>` (webhook updates already taken by a replica).
   */
  telegramCommands: 'telegram:commands',
  /** Prefix of the delivery stages' recent latency samples (latencySamplesKey). */
  latencySamples: 'latency',
  /** String: JSON of the kill switch's current ControlState (absent: enabled). */
  control: 'control:state',
  /**
   * Prefix of the generator's per-(source, symbol, timeframe) checkpoint: a string holding the
   * open time of the last candle whose decision is on `market` (generatorDecidedKey). Renaming it
   * makes a restarted generator publish its decisions again.
   */
  generatorDecided: 'generator:decided',
  /**
   * Prefix of the generator replicas' symbol shards (ShardLeases): `:members` (zset of live
   * replicas), `:lease:<shard>` (the holder's token, which fences its publishes).
   */
  generatorShards: 'generator:shards',
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
