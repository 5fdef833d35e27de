import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { AckEventSchema, encodeEntry, KEYS, MicrosClock, parseTimestampMs, STREAM_MAXLEN, STREAMS, type AckEvent } from '@app/contracts';
import { defineScripts, luaScript, RedisConnections } from '@app/redis-streams';
import { DeliveryLatency } from '../latency/delivery-latency';
import { acksTotal } from './signal-metrics';
import type { SignalRecord } from './signal-record';
import { SignalReadModel } from './signal-read-model.service';

/**
 * HSETNX then XADD in one script: the hash decides atomically, across every replica, who
 * acknowledged first, and the event is published exactly when the ack is new. Returns
 * [1, at] for a new ack, [0, first ack's time] for a repeat.
 */
const ACK_SCRIPT = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', ARGV[4], ARGV[5])
  return {1, ARGV[2]}
end
return {0, redis.call('HGET', KEYS[1], ARGV[1])}
`;

export interface AckResult {
  record: SignalRecord;
  acknowledgedAt: string;
  alreadyAcknowledged: boolean;
}

@Injectable()
export class SignalAckService {
  private readonly clock = new MicrosClock();
  /** KEYS: acks hash, acks stream. ARGV: signal id, ack time, stream MAXLEN, entry field, entry JSON. */
  private readonly scripts;

  constructor(
    connections: RedisConnections,
    private readonly readModel: SignalReadModel,
    private readonly latency: DeliveryLatency,
  ) {
    this.scripts = defineScripts(connections.command, { gatewayAck: luaScript<[number, string]>(ACK_SCRIPT, 2) });
  }

  /** Acknowledges by stream id or by the signal's timestamp (what the guide's C# sends). */
  async acknowledge(ref: { id?: string; timestamp?: string }): Promise<AckResult> {
    this.readModel.assertReady();
    const record = this.readModel.projection.find(ref);
    if (!record) {
      acksTotal.inc({ result: 'unknown' });
      const what = ref.id !== undefined ? `id ${ref.id}` : `timestamp ${ref.timestamp}`;
      throw new NotFoundException(`no signal with ${what} among the last ${this.readModel.projection.historySize} signals`);
    }
    const { signal } = record;
    // Both given but naming two signals: acknowledging either could mark the wrong trade as taken.
    if (ref.id !== undefined && ref.timestamp !== undefined && ref.timestamp !== signal.timestamp) {
      acksTotal.inc({ result: 'mismatch' });
      throw new BadRequestException(`id ${ref.id} is the signal of timestamp ${signal.timestamp}, not ${ref.timestamp}; send one of them, or both of the same signal`);
    }
    const event: AckEvent = AckEventSchema.parse({
      signal_id: signal.id,
      signal_timestamp: signal.timestamp,
      symbol: signal.symbol,
      acknowledged_at: this.clock.nowTimestamp(),
    });
    const [field, json] = encodeEntry(event);
    const [fresh, storedAt] = await this.scripts.gatewayAck(
      KEYS.acks,
      STREAMS.acks,
      signal.id,
      event.acknowledged_at,
      STREAM_MAXLEN[STREAMS.acks],
      field,
      json,
    );
    // Apply now rather than wait for our own event to come back: the response and the next GET
    // on this replica must already reflect it. The echo is then a no-op.
    this.readModel.takeAck(signal.id, storedAt, true);
    const alreadyAcknowledged = fresh !== 1;
    // Only the first ack: a repeat says nothing about how fast the signal was executed.
    if (!alreadyAcknowledged) {
      const waited = (parseTimestampMs(storedAt) - parseTimestampMs(signal.timestamp)) / 1000;
      if (Number.isFinite(waited)) this.latency.observe('ack', waited);
    }
    acksTotal.inc({ result: alreadyAcknowledged ? 'already_acknowledged' : 'acknowledged' });
    return { record, acknowledgedAt: storedAt, alreadyAcknowledged };
  }
}
