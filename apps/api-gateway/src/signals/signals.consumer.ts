import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { AckEventSchema, type ControlEvent, ControlEventSchema, KEYS, type Signal, SignalSchema, STREAMS, withoutHashTag } from '@app/contracts';
import { type Liveness, type Running } from '@app/observability';
import {
  compareStreamIds,
  ControlStore,
  lastStreamId,
  readRange,
  readTail,
  RebuildThenFollow,
  RedisConnections,
  StreamReader,
  type DecodedEntry,
  type FollowingReader,
} from '@app/redis-streams';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../tokens';
import { toSignal } from './signal-json';
import { malformedSignalEntries } from './signal-metrics';
import { SignalReadModel } from './signal-read-model.service';

/** How long loading waits for the readers' own connections before reporting loaded anyway. */
const CONNECT_WAIT_MS = 2000;

/** How long start-up waits for the first rebuild before listening anyway (health says 503 meanwhile). */
const STARTUP_WAIT_MS = 5000;

/** The `reader` label of entries skipped while rebuilding from Redis. */
const REBUILD = 'api-gateway-rebuild';

interface ResumePoints {
  signals: string;
  acks: string;
  control: string;
}

/**
 * Materialises the `signals` stream into the read model: rebuilds from the stream's tail and the
 * stored acks, then follows both `signals` and `signal-acks` from exactly where the rebuild read,
 * so nothing is missed or applied twice. Redis down at start: retries with backoff in the
 * background while the app serves 503s.
 */
@Injectable()
export class SignalsConsumer extends RebuildThenFollow<ResumePoints> {
  /** The readers' own connections, in reader order (signals, acks, control): liveness looks at their state. */
  private readonly readerConnections: Redis[] = [];

  /** For health: live once following the stream (connected and blocking in the first read counts). */
  readonly signalsLiveness: Liveness & Running = this.liveness(0, STREAMS.signals);
  readonly acksLiveness: Liveness & Running = this.liveness(1, STREAMS.acks);

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    connections: RedisConnections,
    private readonly readModel: SignalReadModel,
  ) {
    super('signals-consumer', readModel, connections);
  }

  /** Start-up waits up to STARTUP_WAIT_MS for the signals, the guide's core endpoints. */
  override async onApplicationBootstrap(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const patience = new Promise<void>((resolve) => (timer = setTimeout(resolve, STARTUP_WAIT_MS)));
    await Promise.race([this.start(), patience]);
    clearTimeout(timer);
  }

  /**
   * The acks stream's tail is read first: an ack stored after that point is also in the acks
   * stream after it, so the acks reader replays it even if the HMGET below missed it.
   */
  protected async rebuild(): Promise<ResumePoints> {
    const ackTail = await lastStreamId(this.redis, STREAMS.acks);
    // Same reasoning for the kill switch: any change after this tail is replayed by its reader.
    const controlTail = await lastStreamId(this.redis, STREAMS.control);
    const controlNow = await new ControlStore(this.redis).read();
    const signalsTail = await lastStreamId(this.redis, STREAMS.signals);
    const stored = await readTail(this.redis, { stream: STREAMS.signals, schema: SignalSchema, reader: REBUILD, count: this.config.signals.historyMax, until: signalsTail });
    const signals = stored.map((e) => toSignal(e.id, e.payload));
    const changes = signals.length ? await this.controlChangesFrom(signals[0].id) : [];
    // HMGET of just these ids, not HGETALL: the hash also holds acks of signals trimmed since the last prune (AckPruner).
    const acks = signals.length ? await this.redis.hmget(KEYS.acks, ...signals.map((s) => s.id)) : [];
    // Signals and switch changes in stream-id order, so each signal gets the state it had live.
    this.readModel.takeControl(changes.length ? { ...controlNow, trading: changes[0].payload.previous } : controlNow, null, false);
    let next = 0;
    for (const signal of signals) {
      for (; next < changes.length && compareStreamIds(changes[next].id, signal.id) < 0; next++) this.readModel.takeControl(changes[next].payload, changes[next].id, false);
      this.takeOne(signal, false, REBUILD);
    }
    for (; next < changes.length; next++) this.readModel.takeControl(changes[next].payload, changes[next].id, false);
    signals.forEach((s, i) => {
      const at = acks[i];
      if (at) this.readModel.takeAck(s.id, at, false);
    });
    this.log.info({ signals: signals.length, acked: acks.filter(Boolean).length, trading: this.readModel.control.trading, resume_after: signalsTail }, 'rebuilt signals from Redis');
    const lastChange = changes.length ? changes[changes.length - 1].id : undefined;
    return { signals: signalsTail, acks: ackTail, control: lastChange ?? controlTail };
  }

  private takeOne(signal: Signal, live: boolean, reader: string): void {
    try {
      this.readModel.take([signal], live);
    } catch (err) {
      malformedSignalEntries.inc({ stream: withoutHashTag(STREAMS.signals), reader });
      this.log.warn({ id: signal.id, err: err instanceof Error ? err.message : String(err) }, 'skipping a signal that could not be applied');
    }
  }

  /** Kill switch changes at or after `fromId`, oldest first (a damaged entry is counted and skipped). */
  private async controlChangesFrom(fromId: string): Promise<DecodedEntry<ControlEvent>[]> {
    const out: DecodedEntry<ControlEvent>[] = [];
    for await (const change of readRange(this.redis, { stream: STREAMS.control, schema: ControlEventSchema, reader: REBUILD, from: fromId })) out.push(change);
    return out;
  }

  protected async follow(from: ResumePoints): Promise<FollowingReader[]> {
    const connect = (name: string) => {
      const c = this.connections.create(name);
      this.readerConnections.push(c);
      return c;
    };
    const signals = new StreamReader({
      stream: STREAMS.signals,
      schema: SignalSchema,
      connection: connect('api-gateway:signals-reader'),
      startId: from.signals,
      name: 'api-gateway',
      // One by one: an entry that fails to apply is counted and skipped alone, not with its batch.
      handle: (entries) => {
        for (const e of entries) this.takeOne(toSignal(e.id, e.payload), true, 'api-gateway');
      },
    });
    const acks = new StreamReader({
      stream: STREAMS.acks,
      schema: AckEventSchema,
      connection: connect('api-gateway:acks-reader'),
      startId: from.acks,
      name: 'api-gateway-acks',
      handle: (entries) => {
        for (const e of entries) this.readModel.takeAck(e.payload.signal_id, e.payload.acknowledged_at, true);
      },
    });
    const control = new StreamReader({
      stream: STREAMS.control,
      schema: ControlEventSchema,
      connection: connect('api-gateway:control-reader'),
      startId: from.control,
      name: 'api-gateway-control',
      handle: (entries) => {
        for (const e of entries) this.readModel.takeControl(e.payload, e.id, true);
      },
    });
    const readers = [signals, acks, control];
    for (const r of readers) r.start();
    // Redis just answered the rebuild, so this takes milliseconds; it makes "loaded" imply "healthy".
    const patience = new AbortController();
    await Promise.race([
      Promise.all(this.readerConnections.filter((c) => c.status !== 'ready').map((c) => once(c, 'ready', { signal: patience.signal }))),
      delay(CONNECT_WAIT_MS, undefined, { signal: patience.signal }),
    ]).catch(() => undefined);
    patience.abort();
    return readers;
  }

  /** The liveness of the reader at `index` (and its connection) in the order follow() returns them. */
  private liveness(index: number, stream: string): Liveness & Running {
    const reader = () => this.readers[index];
    return {
      // Before the readers exist, the rebuild loop is what runs (retrying while Redis is down).
      isRunning: () => reader()?.isRunning() ?? (this.starting !== undefined && !this.closing),
      isLive: () => {
        const r = reader();
        if (!r) return false;
        // Before its first XREAD returns (up to BLOCK ms) the reader reports not live; being
        // connected and blocked in that read is live for our purposes.
        const connected = this.readerConnections[index]?.status === 'ready';
        return r.isLive() || (r.describe().last_read_ms_ago === null && connected && !this.closing);
      },
      describe: () => reader()?.describe() ?? { stream: withoutHashTag(stream), state: this.closing ? 'closed' : 'loading from Redis' },
    };
  }
}
