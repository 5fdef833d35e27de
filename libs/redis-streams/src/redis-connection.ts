import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import { gauge, getLogger, redactSecrets } from '@app/observability';
import { DEFAULT_COMMAND_TIMEOUT_MS, deadlineOptions, KEEPALIVE_MS, setReplyTimeout } from './connection-deadlines';
import type { RedisConfig } from './redis-config';

// Event-driven, so it is right between health checks; the RedisDown alert uses max per replica
// (a replica none of whose connections is up cannot reach Redis).
const connectionUp = gauge({
  name: 'redis_connection_up',
  help: '1 while this Redis connection is ready, 0 while it is down or reconnecting',
  labelNames: ['connection'] as const,
});

/**
 * A new ioredis connection. Every blocking loop gets its own (a BLOCKed connection serves no
 * one else), and the loop extends its deadlines by its BLOCK (allowBlocking); BullMQ workers'
 * come from RedisConnections.worker(). Every connection has TCP keepalive and the deadlines of
 * `cfg.commandTimeoutMs` (deadlineOptions): one that stops answering without closing is
 * replaced within that time.
 */
export function createRedis(cfg: RedisConfig, connectionName: string, extra: RedisOptions = {}): Redis {
  const log = getLogger('redis');
  const replyMs = cfg.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const base: RedisOptions = {
    connectionName,
    // Reconnect forever with a capped backoff: services ride out a Redis restart.
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), 2000),
    keepAlive: KEEPALIVE_MS,
    ...deadlineOptions(replyMs),
    ...extra,
  };
  let client: Redis;
  if (cfg.clusterNodes) {
    client = createCluster(cfg.url, cfg.clusterNodes, base);
  } else if (cfg.sentinels) {
    const url = new URL(cfg.url);
    const sentinels = cfg.sentinels.split(',').map((hp) => {
      const [host, port] = hp.split(':');
      return { host, port: Number(port) };
    });
    client = new Redis({
      ...base,
      sentinels,
      name: cfg.sentinelName ?? 'mymaster',
      username: url.username || undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
      ...(url.protocol === 'rediss:' ? { tls: {}, enableTLSForSentinelMode: true } : {}),
    });
  } else {
    client = new Redis(cfg.url, base);
  }
  setReplyTimeout(client, replyMs);
  let lastError = '';
  client.on('error', (err: Error) => {
    // ioredis emits the same error on every retry; log each distinct one once.
    const msg = redactSecrets(err.message);
    if (msg !== lastError) log.warn({ connection: connectionName, err: msg }, 'redis connection error');
    lastError = msg;
  });
  // A Cluster reports a node's own errors apart; they are worth a line too (e.g. a node's wrong password).
  client.on('node error', (err: Error, node: string) => {
    const msg = redactSecrets(`${node}: ${err.message}`);
    if (msg !== lastError) log.warn({ connection: connectionName, err: msg }, 'redis cluster node error');
    lastError = msg;
  });
  connectionUp.set({ connection: connectionName }, 0);
  client.on('close', () => {
    connectionUp.set({ connection: connectionName }, 0);
    clearStaleSocketTimeout(client);
  });
  client.on('ready', () => {
    connectionUp.set({ connection: connectionName }, 1);
    if (lastError) log.info({ connection: connectionName }, 'redis connection restored');
    lastError = '';
  });
  return client;
}

/** Options a Cluster takes at its own level; every other one is each node connection's. */
const CLUSTER_LEVEL = ['enableOfflineQueue', 'enableReadyCheck', 'lazyConnect'] as const;

/**
 * A Redis Cluster client, typed as a Redis: it takes the same commands (each routed to the node
 * of its keys' slot), scripts and BullMQ, and every service uses it through the same calls. The
 * nodes are `host:port` seeds; REDIS_URL gives the user, password and TLS of every node. The
 * Cluster reconnects with `base`'s backoff; each node connection has `base`'s keepalive and
 * deadlines (allowBlocking extends them on a blocking Cluster's nodes).
 */
function createCluster(urlText: string, nodesText: string, base: RedisOptions): Redis {
  const url = new URL(urlText);
  const nodes = nodesText.split(',').map((hp) => {
    const [host, port] = hp.split(':');
    return { host, port: Number(port) };
  });
  const { retryStrategy, ...nodeOptions } = base;
  const clusterLevel: Partial<ClusterOptions> = {};
  for (const key of CLUSTER_LEVEL) if (base[key] !== undefined) clusterLevel[key] = base[key];
  const cluster = new Cluster(nodes, {
    ...clusterLevel,
    // A retryStrategy that gives up (null, a one-shot connection) gives up on the Cluster too.
    clusterRetryStrategy: (times) => (retryStrategy ? retryStrategy(times) : 2000),
    // A slot map refresh waits no longer than a command would.
    slotsRefreshTimeout: base.socketTimeout,
    redisOptions: {
      ...nodeOptions,
      username: url.username || undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  });
  return cluster as unknown as Redis;
}

/** Drops a closed short-lived connection from redis_connection_up (a start-up check's). */
export function forgetConnectionMetric(connectionName: string): void {
  connectionUp.remove({ connection: connectionName });
}

/** True for a client made by createCluster. */
export function isCluster(client: Redis): boolean {
  return (client as unknown as { isCluster?: boolean }).isCluster === true;
}

/**
 * ioredis 5 leaves the socketTimeout timer of a socket that closed with a command outstanding
 * running: when it fires it destroys whatever socket the client has by then (a healthy
 * replacement), and until then no deadline guards the new socket; it also keeps a process that
 * has closed everything alive until then. ioredis 6 clears it on close (redis/ioredis#2148); this
 * does the same, from the client's 'close' event, until we move to it.
 */
function clearStaleSocketTimeout(client: Redis): void {
  const c = client as unknown as { socketTimeoutTimer?: NodeJS.Timeout };
  if (c.socketTimeoutTimer === undefined) return;
  clearTimeout(c.socketTimeoutTimer);
  c.socketTimeoutTimer = undefined;
}
