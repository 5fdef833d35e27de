import { z } from 'zod';
import { redactSecrets } from '@app/observability';
import { baseConfigFromEnv, baseEnvSchema } from './base-env';
import { ConfigError } from './config-error';
import { int, unsetIfEmpty } from './env-helpers';
import { parseEnv } from './parse-env';

describe('the base config every service shares', () => {
  const schema = baseEnvSchema(9199).extend({ WORKERS: int(1, 8).default(2), TOKEN: unsetIfEmpty(z.string().min(1).optional()) });

  it('defaults to the app\'s own port, all interfaces, info logs and a local Redis', () => {
    const e = parseEnv(schema, {});
    expect(baseConfigFromEnv(e)).toEqual({ port: 9199, host: '0.0.0.0', logLevel: 'info', redis: { url: 'redis://127.0.0.1:6379', sentinels: undefined, sentinelName: 'mymaster', commandTimeoutMs: 5000 } });
    expect(e.WORKERS).toBe(2);
  });

  it('counts an empty variable as unset, as docker-compose passes it', () => {
    expect(parseEnv(schema, { TOKEN: '' }).TOKEN).toBeUndefined();
  });

  it('names every bad variable in one ConfigError, without echoing values', () => {
    const load = () => parseEnv(schema, { PORT: '70000', LOG_LEVEL: 'loud', WORKERS: '9', REDIS_URL: 'http://pw-in-url@x' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/^invalid configuration: REDIS_URL: .*; PORT: .*; LOG_LEVEL: .*; WORKERS: /);
    expect(load).not.toThrow(/pw-in-url|loud|70000/);
  });

  it('REDIS_CLUSTER_NODES: a Redis Cluster by some of its nodes; empty is unset; a bad list is named', () => {
    expect(baseConfigFromEnv(parseEnv(schema, { REDIS_CLUSTER_NODES: 'r0:6379,10.0.0.2:7001' })).redis.clusterNodes).toBe('r0:6379,10.0.0.2:7001');
    expect(baseConfigFromEnv(parseEnv(schema, { REDIS_CLUSTER_NODES: '' })).redis.clusterNodes).toBeUndefined();
    expect(() => parseEnv(schema, { REDIS_CLUSTER_NODES: 'r0,r1:6379' })).toThrow(/REDIS_CLUSTER_NODES: REDIS_CLUSTER_NODES must be host:port/);
  });

  it('registers the Redis password as a secret, so no log line or error shows it', () => {
    baseConfigFromEnv(parseEnv(schema, { REDIS_URL: 'rediss://default:s3cr%40t-pass@redis.example:6380/0' }));
    expect(redactSecrets('connect failed: s3cr@t-pass and s3cr%40t-pass')).not.toMatch(/s3cr/);
  });
});
