/**
 * `npm run reset`: deletes the data of the redis-server `npm start` runs for itself
 * (`.data/redis/`, or `--data-dir DIR` as given to npm start): every signal, acknowledgement,
 * position and generator checkpoint. Refused while npm start or its redis-server runs. A Redis of
 * yours (REDIS_URL) is never touched.
 */
import { parseArgs } from 'node:util';
import { redisDataDir, resetProjectRedis } from './local-redis';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' } } });
try {
  process.stdout.write(`[reset] ${resetProjectRedis(redisDataDir(values['data-dir']))}\n`);
} catch (err) {
  process.stderr.write(`[reset] refused: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
