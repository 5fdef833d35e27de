import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/**
 * One Redis dialect, in libs/redis-streams:
 * - Stream reads (readRange, readTail, lastStreamId, StreamReader, ConsumerGroupReader): every
 *   reader pages, decodes with the contract schema and counts and skips a malformed entry the same
 *   way. Source files of the apps, the other libs and scripts/ never call XRANGE, XREVRANGE, XREAD
 *   or XREADGROUP themselves, as a method or as a command name (Lua, `call`). Tests under test/
 *   may read raw entries to check them.
 * - Connections (RedisConnections): a service's connections are created, named (CLIENT LIST,
 *   redis_connection_up) and closed one way. No service source builds its own ioredis client.
 *   scripts/ are one-shot CLIs that fail fast rather than reconnect, so they keep their own.
 */
const ROOT = resolve(__dirname, '..', '..');
const LIB_OF_REDIS = join(ROOT, 'libs', 'redis-streams');

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** apps/<app>/src, libs/<lib>/src but libs/redis-streams, and scripts/. */
export function checkedSources(): string[] {
  const srcOf = (parent: string) => readdirSync(join(ROOT, parent)).map((name) => join(ROOT, parent, name, 'src'));
  return [...srcOf('apps'), ...srcOf('libs').filter((d) => !d.startsWith(LIB_OF_REDIS + sep)), join(ROOT, 'scripts')].flatMap(tsFiles);
}

const RAW_STREAM_READ = /\.\s*(xrange|xrevrange|xread|xreadgroup)(Buffer)?\s*\(|['"`](xrange|xrevrange|xread|xreadgroup)['"`]/gi;

const OWN_CONNECTION = /\bcreateRedis\s*\(|\bnew\s+(Redis|IORedis|Cluster)\s*\(/g;

/** `file:line: text` of every line of `text` that matches `pattern`. */
function matchingLines(pattern: RegExp, file: string, text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.match(pattern)) out.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
  });
  return out;
}

export const rawStreamReads = (file: string, text: string) => matchingLines(RAW_STREAM_READ, file, text);
export const ownConnections = (file: string, text: string) => matchingLines(OWN_CONNECTION, file, text);

/** Service code: the checked sources but scripts/ and specs (a spec may open a raw client to check Redis). */
const serviceSources = () => checkedSources().filter((f) => !f.startsWith(join(ROOT, 'scripts') + sep) && !f.endsWith('.spec.ts'));

describe('one Redis dialect', () => {
  it('the check sees the places it guards, and catches each form of a raw read', () => {
    const files = checkedSources().map((f) => relative(ROOT, f));
    expect(files).toEqual(expect.arrayContaining(['apps/api-gateway/src/sse/signal-catch-up.ts', 'libs/contracts/src/names.ts', 'scripts/signals-demo.ts']));
    expect(files.some((f) => f.startsWith('libs/redis-streams/'))).toBe(false);
    const caught = [
      "await redis.xrange(STREAMS.signals, '-', '+')",
      'const tail = await this.redis.xrevrange(s, "+", "-", "COUNT", 1);',
      'c.xreadgroup("GROUP", g, c, "STREAMS", s, ">")',
      'redis.xreadBuffer("STREAMS", s, "0")',
      "local e = redis.call('XRANGE', KEYS[1], '-', '+')",
      "await redis.call('xrevrange', s, '+', '-')",
    ];
    for (const line of caught) expect(rawStreamReads('x.ts', line)).toHaveLength(1);
    expect(rawStreamReads('x.ts', 'await readRange(redis, { stream })\nconst n = await redis.xlen(s);')).toEqual([]);
  });

  it('no source file outside libs/redis-streams reads a stream by hand', () => {
    const found = checkedSources().flatMap((f) => rawStreamReads(f, readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });

  it('no service source outside libs/redis-streams opens a Redis connection but through RedisConnections', () => {
    for (const line of ["const c = createRedis(cfg, 'x');", 'this.redis = new Redis(url);', 'new IORedis(url, {})']) expect(ownConnections('x.ts', line)).toHaveLength(1);
    expect(ownConnections('x.ts', 'const c = this.connections.create(name);\nimport type Redis from "ioredis";')).toEqual([]);
    expect(serviceSources().map((f) => relative(ROOT, f))).toEqual(expect.arrayContaining(['apps/api-gateway/src/redis/redis.module.ts', 'apps/signal-generator/src/signal-generator.module.ts']));
    const found = serviceSources().flatMap((f) => ownConnections(f, readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });
});
