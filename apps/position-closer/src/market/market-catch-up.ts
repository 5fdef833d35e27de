import { Injectable } from '@nestjs/common';
import { CandleSchema, decodeEntry, STREAMS, type Candle } from '@app/contracts';
import { evaluateCandle, type OpenPosition } from '../positions/position';
import { PositionCloser } from '../positions/position-closer.service';
import { RedisConnections } from '../redis/redis-connections';

const PAGE = 200;

/**
 * Evaluates a just-opened position against the candles already in `market`. The signal and its
 * following candles travel on different streams: when the signal is handled late (a backlog, a
 * replay at full speed, a restart) the candle reader has already passed candles that belong to
 * this position. Scanning back from the tail to the position's own candle catches them; a candle
 * the reader also evaluates is harmless (the close is atomic and decided the same way).
 */
@Injectable()
export class MarketCatchUp {
  constructor(
    private readonly connections: RedisConnections,
    private readonly closer: PositionCloser,
  ) {}

  async run(position: OpenPosition): Promise<void> {
    for (const candle of await this.candlesAfter(position)) {
      const exit = evaluateCandle(position, candle);
      if (exit) {
        await this.closer.close(position, exit.reason, exit.price);
        return;
      }
    }
  }

  /** The symbol's candles opening after the position's market time, oldest first. */
  private async candlesAfter(position: OpenPosition): Promise<Candle[]> {
    const since = position.market_time_ms ?? 0;
    const found: Candle[] = [];
    let end = '+';
    for (;;) {
      const page = (await this.connections.command.xrevrange(STREAMS.market, end, '-', 'COUNT', PAGE)) as [string, string[]][];
      for (const [id, fields] of page) {
        let candle: Candle;
        try {
          candle = decodeEntry(CandleSchema, id, fields);
        } catch {
          continue; // the candle reader counts malformed entries
        }
        if (candle.symbol !== position.symbol) continue;
        if (candle.open_time <= since) return found.reverse();
        found.push(candle);
      }
      if (page.length < PAGE) return found.reverse();
      end = `(${page[page.length - 1][0]}`;
    }
  }
}
