import type Redis from 'ioredis';
import { SignalSchema, STREAMS, withoutHashTag } from '@app/contracts';
import { readRange } from '@app/redis-streams';
import { toSignal } from '../signals/signal-json';
import { malformedSignalEntries } from '../signals/signal-metrics';
import type { CatchUpSignal } from './sse-client';

const READER = 'api-gateway-sse';

/**
 * Every signal stored after `afterId` (exclusive), oldest first, a page at a time: the one-off
 * range read of a resuming SSE client. `held` skips a signal the kill switch held back: a resume
 * must not hand out what the live stream never sent.
 */
export async function* signalsAfter(redis: Redis, afterId: string, held: (id: string) => boolean = () => false, pageSize = 500): AsyncGenerator<CatchUpSignal> {
  for await (const { id, payload } of readRange(redis, { stream: STREAMS.signals, schema: SignalSchema, reader: READER, after: afterId, pageSize })) {
    if (held(id)) continue;
    let json: string;
    try {
      json = JSON.stringify(toSignal(id, payload));
    } catch {
      // One that cannot be serialised belongs to this entry alone (readRange already skipped the
      // ones that do not decode): count it and go on, or a resuming client would reconnect into it forever.
      malformedSignalEntries.inc({ stream: withoutHashTag(STREAMS.signals), reader: READER });
      continue;
    }
    yield { id, symbol: payload.symbol, json };
  }
}
