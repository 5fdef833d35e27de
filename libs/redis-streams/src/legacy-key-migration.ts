import type Redis from 'ioredis';
import { currentKeyName, LEGACY_EXACT_NAMES, LEGACY_PREFIX_PATTERNS } from './legacy-key-names';

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
