import { BULLMQ_PREFIX, KEYS, STREAMS } from '@app/contracts';

/**
 * The key names from before the hash tags (HASH_TAGS in names.ts), and what each is now. A
 * standalone Redis kept from then (npm start's .data/redis, or one of yours) holds its streams,
 * acks, positions and queues under them: `npm run redis:migrate-keys` renames them
 * (migrateLegacyKeys), and the services refuse to start while any is left (legacyKeysPresent).
 */
const EXACT: Record<string, string> = {
  signals: STREAMS.signals,
  market: STREAMS.market,
  positions: STREAMS.positions,
  'signal-acks': STREAMS.acks,
  'close-requests': STREAMS.closeRequests,
  control: STREAMS.control,
  // The notifier's consumer groups dead-letter to `<stream>:dead`; the closers' `market` ones
  // now live under their own tag.
  'signals:dead': `${STREAMS.signals}:dead`,
  'positions:dead': `${STREAMS.positions}:dead`,
  'control:dead': `${STREAMS.control}:dead`,
  'market:dead': KEYS.closerDeadLetters,
  'signals:acks': KEYS.acks,
  'positions:state': KEYS.positions,
  'positions:open-event': KEYS.openEventIds,
  'positions:closed-events': KEYS.closedEventIds,
  'positions:closed': KEYS.closedPositionIds,
  'positions:open': KEYS.openPositions,
  'positions:by-symbol': KEYS.openBySymbol,
  'positions:signal-cursor': KEYS.signalCursorBySymbol,
  'positions:last-price': KEYS.lastPrice,
  'control:state': KEYS.control,
};

/** Old prefix → new prefix, each followed by `:` and the rest of the name. */
const PREFIXES: Record<string, string> = {
  'positions:shards': KEYS.closerShards,
  notifier: KEYS.notifierDelivery,
  'telegram:commands': KEYS.telegramCommands,
  latency: KEYS.latencySamples,
  'generator:decided': KEYS.generatorDecided,
  // Only a build with generator replicas and no hash tags ever wrote these; mapped so every key has one.
  'generator:shards': KEYS.generatorShards,
  bull: BULLMQ_PREFIX,
};

/** SCAN patterns that find every legacy key (the exact names are looked up one by one). */
export const LEGACY_PREFIX_PATTERNS: readonly string[] = Object.keys(PREFIXES).map((p) => `${p}:*`);
export const LEGACY_EXACT_NAMES: readonly string[] = Object.keys(EXACT);

/** The current name of a legacy key; undefined for a name that is not one (a current name included). */
export function currentKeyName(legacy: string): string | undefined {
  if (legacy in EXACT) return EXACT[legacy];
  for (const [from, to] of Object.entries(PREFIXES)) if (legacy.startsWith(`${from}:`)) return `${to}${legacy.slice(from.length)}`;
  return undefined;
}
