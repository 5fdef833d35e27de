import { z } from 'zod';
import type { Candle } from '@app/contracts';
import { aggTradeFromEvent, WsAggTradeEventSchema, type AggTrade } from './agg-trade.parser';
import { candleFromKlineEvent, WsKlineEventSchema, type KlineContext } from './kline.parser';

/** `{"stream":"btcusdt@kline_1m","data":{...}}`: every frame of a combined-stream connection. */
const CombinedFrameSchema = z.object({
  stream: z.string(),
  data: z.object({ e: z.string() }).loose(),
});

export type StreamFrame =
  | { kind: 'kline'; stream: string; closed: boolean; candle: Candle }
  | { kind: 'aggTrade'; stream: string; trade: AggTrade };

/** Why a frame was skipped; the label of the malformed-frames counter. */
export type MalformedReason = 'binary' | 'json' | 'envelope' | 'unexpected-stream' | 'unknown-event' | 'kline' | 'aggTrade';

export type FrameResult = { ok: true; frame: StreamFrame } | { ok: false; reason: MalformedReason; detail: string };

export interface FrameContext extends KlineContext {
  /** The stream names this connection asked for. */
  streams: ReadonlySet<string>;
}

/** Never throws: a bad frame comes back as `{ ok: false }` with the reason, to be counted and skipped. */
export function parseStreamFrame(text: string, ctx: FrameContext): FrameResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: 'json', detail: (err as Error).message };
  }
  const envelope = CombinedFrameSchema.safeParse(json);
  if (!envelope.success) return { ok: false, reason: 'envelope', detail: firstIssue(envelope.error) };
  const { stream, data } = envelope.data;
  if (!ctx.streams.has(stream)) return { ok: false, reason: 'unexpected-stream', detail: `stream '${stream}' was not subscribed` };

  switch (data.e) {
    case 'kline': {
      const parsed = WsKlineEventSchema.safeParse(data);
      if (!parsed.success) return { ok: false, reason: 'kline', detail: firstIssue(parsed.error) };
      const expected = `${parsed.data.s.toLowerCase()}@kline_${parsed.data.k.i}`;
      if (expected !== stream) return { ok: false, reason: 'kline', detail: `payload is ${expected} but arrived on ${stream}` };
      try {
        return { ok: true, frame: { kind: 'kline', stream, closed: parsed.data.k.x, candle: candleFromKlineEvent(parsed.data, ctx) } };
      } catch (err) {
        return { ok: false, reason: 'kline', detail: (err as Error).message };
      }
    }
    case 'aggTrade': {
      const parsed = WsAggTradeEventSchema.safeParse(data);
      if (!parsed.success) return { ok: false, reason: 'aggTrade', detail: firstIssue(parsed.error) };
      const expected = `${parsed.data.s.toLowerCase()}@aggTrade`;
      if (expected !== stream) return { ok: false, reason: 'aggTrade', detail: `payload is ${expected} but arrived on ${stream}` };
      try {
        return { ok: true, frame: { kind: 'aggTrade', stream, trade: aggTradeFromEvent(parsed.data) } };
      } catch (err) {
        return { ok: false, reason: 'aggTrade', detail: (err as Error).message };
      }
    }
    default:
      return { ok: false, reason: 'unknown-event', detail: `event type '${data.e}'` };
  }
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.join('.') || '(root)'}: ${issue.message}`;
}
