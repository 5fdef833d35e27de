import { hostname } from 'node:os';
import { z } from 'zod';
import { int } from './env-helpers';

/**
 * What a service whose replicas split symbols by shard leases reads (the position-closer and the
 * signal-generator): its name and how soon a dead replica's shards move to the others.
 */
export const replicaEnvShape = {
  /** This replica's name in logs and in its shard lease tokens. Default: the hostname (unique per container and pod). */
  CONSUMER_NAME: z.string().min(1).max(200).default(hostname()),
  /**
   * A replica that stops renewing (killed, frozen, cut off from Redis) loses its shards after
   * this long and the others take them over; the leases are renewed every fifth of it. Default 5000.
   */
  SHARD_LEASE_MS: int(500, 600_000).default(5000),
};
