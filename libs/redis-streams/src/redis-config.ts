/**
 * Where a service's Redis is. `redis://` and `rediss://` (TLS) URLs go straight to ioredis;
 * Sentinel is used when `sentinels` is set, with the URL's password/db applied to the master.
 * Built from the environment by `@app/config`.
 */
export interface RedisConfig {
  url: string;
  /** `host:port,host:port` of Sentinels; unset for a direct connection. */
  sentinels?: string;
  sentinelName?: string;
}
