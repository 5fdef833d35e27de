import { crc32 } from 'node:zlib';

/**
 * The shard of a partition key (a symbol): CRC-32 of its UTF-8 bytes modulo `shards`. Stable
 * across processes, versions and restarts, which every replica and every stored cursor rely on.
 */
export function shardOf(key: string, shards: number): number {
  return crc32(key) % shards;
}
