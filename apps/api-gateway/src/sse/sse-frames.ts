import type { ControlState } from '@app/contracts';
import type { FeedEvent } from '../signals/signal-feed';
import type { SignalRecord } from '../signals/signal-record';

/**
 * The SSE wire format the C# client parses (see the gateway README): one frame per event, each
 * ended by a blank line. Only signal frames carry `id:`, so Last-Event-ID always names a signal.
 */
export const RETRY_FRAME = 'retry: 3000\n\n';

export function signalFrame(id: string, signalJson: string): string {
  return `id: ${id}\nevent: signal\ndata: ${signalJson}\n\n`;
}

export function ackFrame(record: SignalRecord): string {
  const { id, timestamp, symbol } = record.signal;
  return `event: ack\ndata: ${JSON.stringify({ id, timestamp, symbol, acknowledged_at: record.acknowledgedAt })}\n\n`;
}

export function heartbeatFrame(now: Date): string {
  return `: heartbeat ${now.toISOString()}\n\n`;
}

/** The kill switch state: sent on connect and on every change, so a client never trades on a stale "enabled". */
export function controlFrame(state: ControlState): string {
  return `event: control\ndata: ${JSON.stringify({ trading: state.trading, since: state.since, by: state.by })}\n\n`;
}

const CRLF = Buffer.from('\r\n', 'latin1');

/**
 * A frame shared by every client, built once: its bytes, and the same bytes as one HTTP/1.1 chunk
 * (size line, bytes, CRLF). A chunked response is then written with one `socket.write` of one
 * Buffer per client: what `res.write` costs per client (four `_send`s, a cork and its nextTick
 * uncork, a three-buffer writev) was most of the fan-out's CPU beside the write syscall.
 */
export class SharedFrame {
  private chunkedBytes: Buffer | undefined;

  constructor(readonly bytes: Buffer) {}

  get chunked(): Buffer {
    return (this.chunkedBytes ??= Buffer.concat([Buffer.from(`${this.bytes.length.toString(16)}\r\n`, 'latin1'), this.bytes, CRLF]));
  }
}

/**
 * A live event's frame, built once for every client: the hub writes the same Buffer to each
 * connection instead of building and encoding a string per client.
 */
export function eventFrame(event: FeedEvent): SharedFrame {
  switch (event.type) {
    case 'signal':
      return new SharedFrame(Buffer.from(signalFrame(event.record.signal.id, event.record.json)));
    case 'ack':
      return new SharedFrame(Buffer.from(ackFrame(event.record)));
    case 'control':
      return new SharedFrame(Buffer.from(controlFrame(event.state)));
  }
}
