import type Redis from 'ioredis';
import { withoutHashTag } from '@app/contracts';
import { gauge } from '@app/observability';

export interface GroupInfo {
  name: string;
  consumers: number;
  pending: number;
  lastDeliveredId: string;
  /** Entries not yet delivered to the group (Redis ≥ 7); null when Redis cannot tell. */
  lag: number | null;
}

export async function groupInfo(redis: Redis, stream: string): Promise<GroupInfo[]> {
  let rows: unknown[];
  try {
    rows = (await redis.xinfo('GROUPS', stream)) as unknown[];
  } catch (err) {
    if (err instanceof Error && /no such key/i.test(err.message)) return [];
    throw err;
  }
  return rows.map((row) => {
    const flat = row as (string | number | null)[];
    const m = new Map<string, string | number | null>();
    for (let i = 0; i + 1 < flat.length; i += 2) m.set(String(flat[i]), flat[i + 1]);
    const lag = m.get('lag');
    return {
      name: String(m.get('name')),
      consumers: Number(m.get('consumers') ?? 0),
      pending: Number(m.get('pending') ?? 0),
      lastDeliveredId: String(m.get('last-delivered-id') ?? '0-0'),
      lag: lag === null || lag === undefined ? null : Number(lag),
    };
  });
}

interface LagTarget {
  redis: Redis;
  stream: string;
  group: string;
}
const targets: LagTarget[] = [];

/**
 * `stream_group_lag` / `stream_group_pending` gauges, read from XINFO GROUPS at scrape time so
 * they are right even when this replica is idle. One gauge pair serves every registered group.
 */
export function registerGroupLagMetrics(redis: Redis, stream: string, group: string): void {
  // The latest connection wins: an app restarted inside one process must not read through a closed one.
  const existing = targets.find((t) => t.stream === stream && t.group === group);
  if (existing) existing.redis = redis;
  else targets.push({ redis, stream, group });
  const snapshot = async () =>
    Promise.all(
      targets.map(async (t) => ({ t, g: (await groupInfo(t.redis, t.stream).catch(() => [])).find((g) => g.name === t.group) })),
    );
  gauge({
    name: 'stream_group_lag',
    help: 'Entries in the stream not yet delivered to the consumer group',
    labelNames: ['stream', 'group'] as const,
    async collect() {
      for (const { t, g } of await snapshot()) if (g?.lag !== null && g?.lag !== undefined) this.set({ stream: withoutHashTag(t.stream), group: t.group }, g.lag);
    },
  });
  gauge({
    name: 'stream_group_pending',
    help: 'Entries delivered to the group but not yet acknowledged',
    labelNames: ['stream', 'group'] as const,
    async collect() {
      for (const { t, g } of await snapshot()) if (g) this.set({ stream: withoutHashTag(t.stream), group: t.group }, g.pending);
    },
  });
}
