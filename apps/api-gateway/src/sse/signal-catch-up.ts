import type Redis from 'ioredis';
import { decodeEntry, SignalSchema, STREAMS } from '@app/contracts';
import { toSignal } from '../signals/signal-json';
import { malformedSignalEntries } from '../signals/signal-metrics';
import type { CatchUpSignal } from './sse-client';

/**
 * Every signal stored after `afterId` (exclusive), oldest first, a page at a time: the one-off
 * XRANGE of a resuming SSE client. `held` skips a signal the kill switch held back: a resume must
 * not hand out what the live stream never sent.
 */
export async function* signalsAfter(redis: Redis, afterId: string, held: (id: string) => boolean = () => false, pageSize = 500): AsyncGenerator<CatchUpSignal> {
  let cursor = afterId;
  for (;;) {
    const page = (await redis.xrange(STREAMS.signals, `(${cursor}`, '+', 'COUNT', pageSize)) as [string, string[]][];
    for (const [id, fields] of page) {
      cursor = id;
      try {
        const signal = toSignal(id, decodeEntry(SignalSchema, id, fields));
        if (held(id)) continue;
        yield { id, symbol: signal.symbol, json: JSON.stringify(signal) };
      } catch {
        // Any failure here (bad entry, or one that cannot be serialised) belongs to this entry
        // alone: count it and go on, or a resuming client would reconnect into it forever.
        malformedSignalEntries.inc({ stream: STREAMS.signals, reader: 'api-gateway-sse' });
      }
    }
    if (page.length < pageSize) return;
  }
}
