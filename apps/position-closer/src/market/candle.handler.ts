import { Injectable } from '@nestjs/common';
import type { Candle } from '@app/contracts';
import type { Fence } from '@app/redis-streams';
import { evaluateCandle } from '../positions/position';
import { PositionCloser } from '../positions/position-closer.service';
import { PositionStore } from '../positions/position.store';

/** A closed candle: the symbol's last price, and its open position's stop or target; under the shard's fence. */
@Injectable()
export class CandleHandler {
  constructor(
    private readonly store: PositionStore,
    private readonly closer: PositionCloser,
  ) {}

  async handle(candle: Candle, fence?: Fence): Promise<void> {
    // First: a max-hold or manual close in the meantime exits at this close.
    await this.store.recordPrice(candle, fence);
    const position = await this.store.openFor(candle.symbol);
    if (!position) return;
    const exit = evaluateCandle(position, candle);
    if (exit) await this.closer.close(position, exit.reason, exit.price, fence);
  }
}
