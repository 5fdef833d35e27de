import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CandleSchema, STREAMS, type Candle } from '@app/contracts';
import { getLogger, type Liveness } from '@app/observability';
import { InterruptibleDelay, nextBackoff, StreamReader, type DecodedEntry, errMessage } from '@app/redis-streams';
import { evaluateCandle } from '../positions/position';
import { PositionCloser } from '../positions/position-closer.service';
import { PositionStore } from '../positions/position.store';
import { RedisConnections } from '../redis/redis-connections';

/**
 * Reads every closed candle of `market` (XREAD, not a consumer group) and closes the symbol's
 * open position when the candle touches its stop or target.
 *
 * Every replica reads every candle: a symbol's candles are then evaluated in order (with a
 * consumer group two replicas could take candle N and N+1 at once and close on the later one),
 * and the duplicated work is one Redis lookup per symbol per batch. The atomic close makes
 * exactly one replica publish the `closed` event. The cursor shared in Redis lets a restarted
 * replica resume after the last candle any replica evaluated, so candles that arrived while
 * every closer was down still close positions.
 */
@Injectable()
export class CandleConsumer implements OnApplicationBootstrap, OnModuleDestroy, Liveness {
  private reader: StreamReader<Candle> | undefined;
  private readonly retryDelay = new InterruptibleDelay();
  private closing = false;
  private readonly log = getLogger('candles');

  constructor(
    private readonly connections: RedisConnections,
    private readonly store: PositionStore,
    private readonly closer: PositionCloser,
  ) {}

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

  /**
   * Retries a failing batch (Redis blip) rather than skipping it: a skipped candle could be
   * the one that touched a stop.
   */
  async handleBatch(entries: DecodedEntry<Candle>[]): Promise<void> {
    let backoff = 100;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.evaluate(entries.map((e) => e.payload));
        await this.store.advanceMarketCursor(entries[entries.length - 1].id);
        return;
      } catch (err) {
        if (this.closing || attempt >= 10) throw err;
        this.log.warn({ err: errMessage(err), attempt, retry_in_ms: backoff }, 'candle batch failed; retrying');
        await this.retryDelay.wait(backoff);
        backoff = nextBackoff(backoff);
      }
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

  isLive(): boolean {
    return this.reader?.isLive() ?? false;
  }

  describe(): Record<string, unknown> {
    return this.reader?.describe() ?? {};
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.retryDelay.wake();
    await this.reader?.close();
  }
}
