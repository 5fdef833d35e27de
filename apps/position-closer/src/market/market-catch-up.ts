import { Injectable } from '@nestjs/common';
import { CandleSchema, decodeEntry, STREAMS, type Candle, type PositionClosedEvent } from '@app/contracts';
import { compareStreamIds } from '@app/redis-streams';
import { evaluateCandle, type OpenPosition } from '../positions/position';
import { PositionCloser } from '../positions/position-closer.service';
import { PositionStore } from '../positions/position.store';
import { RedisConnections } from '@app/redis-streams';

const PAGE = 200;

type Entry = [string, string[]];

/**
 * Judges a position, from the signal handler, on candles the candle reader has not judged it on
 * (oldest first; the first stop or target touched closes it):
 * - before a new signal for the symbol is applied (reversal or ignored as same direction): the
 *   open position on the candles after the reader's cursor up to that signal's candle (the
 *   reader may lag behind the signals), so a level touched before the signal wins;
 * - after opening: the candles written before the signal but opening after its candle (a
 *   producer that writes a candle late). Later candles wait for the reader, which only passes a
 *   signal once it has been handled (SignalsWatermark).
 */
@Injectable()
export class MarketCatchUp {
  constructor(
    private readonly connections: RedisConnections,
    private readonly store: PositionStore,
    private readonly closer: PositionCloser,
  ) {}

  /** `untilOpenTime`: the new signal's candle; without one, candles written before `signalId`. */
  async upToSignal(position: OpenPosition, signalId: string, untilOpenTime: number | undefined): Promise<PositionClosedEvent | null> {
    const cursor = await this.store.marketCursor();
    let start = cursor && compareStreamIds(cursor, position.position_id) > 0 ? cursor : position.position_id;
    for (;;) {
      const page = (await this.connections.command.xrange(STREAMS.market, `(${start}`, '+', 'COUNT', PAGE)) as Entry[];
      for (const [id, fields] of page) {
        if (untilOpenTime === undefined && compareStreamIds(id, signalId) > 0) return null;
        const candle = this.decode(id, fields);
        if (!candle || candle.symbol !== position.symbol) continue;
        if (untilOpenTime !== undefined && candle.open_time > untilOpenTime) return null;
        const closed = await this.judge(position, candle);
        if (closed !== undefined) return closed;
      }
      if (page.length < PAGE) return null;
      start = page[page.length - 1][0];
    }
  }

  async afterOpening(position: OpenPosition, signalId: string): Promise<PositionClosedEvent | null> {
    const since = position.market_time_ms ?? 0;
    const found: Candle[] = [];
    let end = `(${signalId}`;
    scan: for (;;) {
      const page = (await this.connections.command.xrevrange(STREAMS.market, end, '-', 'COUNT', PAGE)) as Entry[];
      for (const [id, fields] of page) {
        const candle = this.decode(id, fields);
        if (!candle || candle.symbol !== position.symbol) continue;
        if (candle.open_time <= since) break scan;
        found.push(candle);
      }
      if (page.length < PAGE) break;
      end = `(${page[page.length - 1][0]}`;
    }
    for (const candle of found.reverse()) {
      const closed = await this.judge(position, candle);
      if (closed !== undefined) return closed;
    }
    return null;
  }

  /** undefined: the candle leaves the position open; else the close (null if another closer won). */
  private async judge(position: OpenPosition, candle: Candle): Promise<PositionClosedEvent | null | undefined> {
    const exit = evaluateCandle(position, candle);
    return exit ? this.closer.close(position, exit.reason, exit.price) : undefined;
  }

  private decode(id: string, fields: string[]): Candle | null {
    try {
      return decodeEntry(CandleSchema, id, fields);
    } catch {
      return null; // the candle reader counts malformed entries
    }
  }
}
