/**
 * Where a service's Redis is. `redis://` and `rediss://` (TLS) URLs go straight to ioredis;
 * Sentinel is used when `sentinels` is set, with the URL's password/db applied to the master;
 * a Redis Cluster when `clusterNodes` is set, with the URL's user, password and TLS applied to
 * every node. Built from the environment by `@app/config`.
 */
export interface RedisConfig {
  url: string;
  /**
   * `host:port,host:port` of some nodes of a Redis Cluster (ioredis learns the others from them);
   * unset for a single Redis. Every key carries a hash tag (HASH_TAGS), so each script's keys share a slot.
   */
  clusterNodes?: string;
  /** `host:port,host:port` of Sentinels; unset for a direct connection. */
  sentinels?: string;
  sentinelName?: string;
  /**
   * How long a connection with a command outstanding may receive nothing before it counts as
   * dead and is replaced; a command fails after twice that. A blocking read adds its BLOCK time.
   * Default 5000.
   */
  commandTimeoutMs?: number;
}
