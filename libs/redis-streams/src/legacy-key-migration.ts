import type Redis from 'ioredis';
import { currentKeyName, LEGACY_EXACT_NAMES, LEGACY_PREFIX_PATTERNS } from './legacy-key-names';
import type { RedisConfig } from './redis-config';
import { createRedis, forgetConnectionMetric } from './redis-connection';

/** The start-up check never holds a service up longer than this (Redis slow or away: no verdict). */
const CHECK_WITHIN_MS = 2000;

export interface LegacyKeyMigration {
  /** Legacy name → current name, each renamed. */
  renamed: [string, string][];
  /** Legacy keys left alone because their current name exists too: someone must choose. */
  conflicts: [string, string][];
}

/** Every legacy key in this (standalone) Redis, by its exact name and by SCAN of each prefix. */
export async function legacyKeys(redis: Redis): Promise<string[]> {
  const found = new Set<string>();
  for (const name of LEGACY_EXACT_NAMES) if (await redis.exists(name)) found.add(name);
  for (const pattern of LEGACY_PREFIX_PATTERNS) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      for (const k of keys) if (currentKeyName(k) !== undefined) found.add(k);
      cursor = next;
    } while (cursor !== '0');
  }
  return [...found].sort();
}

/** True when this Redis still holds data under the names from before the hash tags. */
export async function legacyKeysPresent(redis: Redis): Promise<boolean> {
  return (await legacyKeys(redis)).length > 0;
}

/**
 * Renames every legacy key to its current name with RENAMENX: a key whose new name exists already
 * is left as it is and reported, never overwritten. Idempotent: a second run finds nothing. Only
 * for a standalone Redis with the services stopped (the caller checks): RENAME keeps the value,
 * TTL, consumer groups and their offsets, so the services resume where they stopped.
 */
export async function migrateLegacyKeys(redis: Redis): Promise<LegacyKeyMigration> {
  const out: LegacyKeyMigration = { renamed: [], conflicts: [] };
  for (const legacy of await legacyKeys(redis)) {
    const current = currentKeyName(legacy)!;
    if (await redis.renamenx(legacy, current)) out.renamed.push([legacy, current]);
    else out.conflicts.push([legacy, current]);
  }
  return out;
}

/**
 * Refuses (throws) to start a service on a standalone Redis that still holds data under the names
 * from before the hash tags: the service would start empty beside it, e.g. a signal-generator
 * deciding again candles it signalled before (under the old checkpoint names). Each main() calls
 * it before the service starts. A Redis that does not answer within CHECK_WITHIN_MS gives no
 * verdict: the service starts and meets it as usual. A Cluster never held the old names.
 */
export async function refuseLegacyKeyNames(cfg: RedisConfig): Promise<void> {
  if (cfg.clusterNodes) return;
  const name = 'legacy-key-check';
  const redis = createRedis(cfg, name, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: CHECK_WITHIN_MS });
  redis.removeAllListeners('error');
  redis.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), CHECK_WITHIN_MS)));
  const check = (async () => {
    await redis.connect();
    return legacyKeys(redis);
  })().catch(() => undefined);
  const found = await Promise.race([check, giveUp]);
  clearTimeout(timer);
  // Its gauge goes with it: a later 'close' must not bring the label back.
  redis.removeAllListeners('close');
  redis.removeAllListeners('ready');
  redis.disconnect();
  forgetConnectionMetric(name);
  if (found?.length) {
    throw new Error(
      `Redis holds data under the key names from before the hash tags (${found.slice(0, 3).join(', ')}${found.length > 3 ? ', ...' : ''}): ` +
        'stop every service, run npm run redis:migrate-keys with this REDIS_URL, then start again (README: Redis Cluster)',
    );
  }
}
