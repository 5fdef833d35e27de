/**
 * `npm run redis:migrate-keys`: renames the data of a standalone Redis from the key names before
 * the hash tags (`signals`, `signals:acks`, `positions:state`, `bull:telegram:*`, ...) to the
 * current ones (`{feed}:signals`, `{acks}:signals:acks`, ...; libs/contracts/src/names.ts), so
 * signals, acknowledgements, positions, checkpoints and queued jobs carry over.
 *
 *   npm run redis:migrate-keys                         # the project's Redis (.data/redis), npm start stopped
 *   npm run redis:migrate-keys -- --data-dir DIR       # the same, data in DIR/redis
 *   REDIS_URL=redis://host:6379 npm run redis:migrate-keys   # a Redis of yours, every service stopped
 *
 * Idempotent (a second run renames nothing) and never overwrites: a key whose new name exists
 * too is left and reported. Refused while a service is connected (CLIENT LIST shows it by name):
 * a service writing under the new names meanwhile would race the renames. `npm start` runs it by
 * itself on its own Redis. A Redis Cluster needs none: it never held the old names.
 */
import { parseArgs } from 'node:util';
import Redis from 'ioredis';
import { redisEnvSchema } from '@app/config';
import { migrateLegacyKeys, type LegacyKeyMigration } from '@app/redis-streams';
import { redisDataDir, startProjectRedis } from './local-redis';

/** Connection names of our services start with these (RedisConnections names them so). */
const SERVICE_NAMES = /^(api-gateway|signal-generator|notifier|position-closer)\b/;

/** Refuses while a service is connected to `redis`; then renames. */
export async function migrateKeysOf(redis: Redis): Promise<LegacyKeyMigration> {
  const clients = (await redis.client('LIST')) as string;
  const services = [...new Set([...clients.matchAll(/\bname=(\S+)/g)].map((m) => m[1]).filter((n) => SERVICE_NAMES.test(n)))];
  if (services.length) throw new Error(`services are connected to this Redis (${services.join(', ')}): stop every service first`);
  return migrateLegacyKeys(redis);
}

/** One line per rename and per conflict, for the user. */
export function describeMigration(m: LegacyKeyMigration): string[] {
  if (!m.renamed.length && !m.conflicts.length) return ['no key under an old name: nothing to migrate'];
  return [
    ...(m.renamed.length ? [`renamed ${m.renamed.length} keys to their hash-tagged names`] : []),
    ...m.conflicts.map(([from, to]) => `NOT renamed: ${from} (${to} exists too; keep one of them, delete the other, run again)`),
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } } });
  if (process.env.REDIS_CLUSTER_NODES) throw new Error('REDIS_CLUSTER_NODES is set: a Redis Cluster never held the old key names, so there is nothing to migrate');
  const given = process.env.REDIS_URL;
  const own = given ? undefined : await startProjectRedis(redisDataDir(values['data-dir']));
  let url = own?.url ?? given!;
  if (given) {
    const env = redisEnvSchema.pick({ REDIS_URL: true }).safeParse(process.env);
    if (!env.success) throw new Error('REDIS_URL must start with redis:// or rediss://');
    url = env.data.REDIS_URL;
  }
  const redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    const result = await migrateKeysOf(redis);
    for (const line of describeMigration(result)) console.log(`[redis:migrate-keys] ${line}`);
    if (result.conflicts.length) process.exitCode = 1;
  } finally {
    redis.disconnect();
    await own?.stop();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`[redis:migrate-keys] refused: ${(err instanceof Error ? err.message : String(err)).replace(/\/\/([^@/]*)@/g, '//[redacted]@')}`);
    process.exit(1);
  });
}
