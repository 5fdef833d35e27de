import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CandleSchema, STREAMS, type Candle } from '@app/contracts';
import { counter, getLogger, type Liveness, type Running } from '@app/observability';
import { compareStreamIds, errMessage, InterruptibleDelay, nextBackoff, StreamReader, type DecodedEntry } from '@app/redis-streams';
import type { CloserConfig } from '../config';
import { evaluateCandle } from '../positions/position';
import { PositionCloser } from '../positions/position-closer.service';
import { PositionStore } from '../positions/position.store';
import { RedisConnections } from '@app/redis-streams';
import { CLOSER_CONFIG } from '../tokens';
import { SignalsWatermark } from './signals-watermark';

const gateTimeouts = counter({
  name: 'positions_market_gate_timeouts_total',
  help: 'Candles evaluated without waiting any longer for an earlier signal to be handled (a signal failing repeatedly)',
});

/**
 * Reads every closed candle of `market` (XREAD, not a consumer group) and closes the symbol's
 * open position when the candle touches its stop or target.
 *
 * Every replica reads every candle, in order: with a consumer group two replicas could judge
 * candles N and N+1 at once and close on the later one. The duplicated work is one Redis lookup
 * per symbol per batch; the atomic close makes exactly one replica publish the `closed` event,
 * and as both judge the same candles in the same order they agree on it. A candle is judged only
 * once every signal written before it has been handled (SignalsWatermark). The cursor shared in
 * Redis lets a restarted replica resume after the last candle any replica judged, so candles
 * that arrived while every closer was down still close positions.
 */
@Injectable()
export class CandleConsumer implements OnApplicationBootstrap, OnModuleDestroy, Liveness, Running {
  private reader: StreamReader<Candle> | undefined;
  private readonly delay = new InterruptibleDelay();
  private readonly watermark: SignalsWatermark;
  private closing = false;
  private readonly log = getLogger('candles');

  constructor(
    private readonly connections: RedisConnections,
    private readonly store: PositionStore,
    private readonly closer: PositionCloser,
    @Inject(CLOSER_CONFIG) private readonly config: CloserConfig,
  ) {
    this.watermark = new SignalsWatermark(connections.command);
  }

  async onApplicationBootstrap(): Promise<void> {
    const cursor = await this.store.marketCursor();
    this.reader = new StreamReader<Candle>({
      stream: STREAMS.market,
      schema: CandleSchema,
      connection: this.connections.create('position-closer:market'),
      // No cursor yet (first run): the whole capped stream. Nothing is open then, so it only
      // records last prices, and no candle written before this start is missed.
      startId: cursor ?? '0-0',
      // Short blocks: the reader reports live within a second of starting.
      blockMs: 1000,
      name: 'position-closer:market',
      handle: (entries) => this.handleBatch(entries),
    });
    this.reader.start();
    this.log.info({ resume_after: cursor ?? '0-0' }, 'reading market candles');
  }

  /** Judges the batch in order, each candle once the signals before it are handled. */
  async handleBatch(entries: DecodedEntry<Candle>[]): Promise<void> {
    let next = 0;
    let waitingSince = Date.now();
    let backoff = 10;
    while (next < entries.length && !this.closing) {
      const ready = await this.retrying(async () => {
        const first = await this.watermark.firstUnhandled();
        // Ids of two streams can tie (same millisecond): the signal may be first, so the candle waits.
        const end = first === null ? entries.length : entries.findIndex((e, i) => i >= next && compareStreamIds(e.id, first) >= 0);
        return end === -1 ? entries.length : end;
      });
      let upTo = ready;
      if (upTo <= next) {
        if (Date.now() - waitingSince < this.config.SIGNAL_WAIT_MS) {
          await this.delay.wait(backoff);
          backoff = Math.min(backoff * 2, 200);
          continue;
        }
        gateTimeouts.inc();
        this.log.warn({ candle: entries[next].id, waited_ms: Date.now() - waitingSince }, 'an earlier signal is still not handled; judging the candle without it');
        upTo = next + 1;
      }
      const batch = entries.slice(next, upTo);
      await this.retrying(async () => {
        await this.evaluate(batch.map((e) => e.payload));
        await this.store.advanceMarketCursor(batch[batch.length - 1].id);
      });
      next = upTo;
      waitingSince = Date.now();
      backoff = 10;
    }
  }

  private async evaluate(candles: Candle[]): Promise<void> {
    const bySymbol = new Map<string, Candle[]>();
    for (const c of candles) bySymbol.set(c.symbol, [...(bySymbol.get(c.symbol) ?? []), c]);
    for (const [symbol, list] of bySymbol) {
      // The newest close first: a max-hold or manual close in the meantime exits at it.
      await this.store.recordPrice(list.reduce((a, b) => (b.close_time > a.close_time ? b : a)));
      const position = await this.store.openFor(symbol);
      if (!position) continue;
      for (const candle of list) {
        const exit = evaluateCandle(position, candle);
        if (exit) {
          await this.closer.close(position, exit.reason, exit.price);
          break;
        }
      }
    }
  }

  /**
   * Retries a failing step (a Redis blip) rather than skipping candles: a skipped candle could
   * be the one that touched a stop.
   */
  private async retrying<T>(step: () => Promise<T>): Promise<T> {
    let backoff = 100;
    for (let attempt = 1; ; attempt++) {
      try {
        return await step();
      } catch (err) {
        if (this.closing || attempt >= 10) throw err;
        this.log.warn({ err: errMessage(err), attempt, retry_in_ms: backoff }, 'candle evaluation failed; retrying');
        await this.delay.wait(backoff);
        backoff = nextBackoff(backoff);
      }
    }
  }

  isLive(): boolean {
    return this.reader?.isLive() ?? false;
  }

  isRunning(): boolean {
    return this.reader?.isRunning() ?? false;
  }

  describe(): Record<string, unknown> {
    return this.reader?.describe() ?? {};
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.delay.wake();
    await this.reader?.close();
  }
}
