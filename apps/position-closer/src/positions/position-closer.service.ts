import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { EARLY_EXIT_REASONS, type CloseReason, type PositionClosedEvent } from '@app/contracts';
import { getLogger } from '@app/observability';
import type { Fence } from '@app/redis-streams';
import type { CloserConfig } from '../config';
import { CLOCK, CLOSER_CONFIG, type Clock } from '../tokens';
import { MAX_HOLD_TIMER, type MaxHoldTimer } from './max-hold-timer';
import { closePosition, closeRequestFor, type OpenPosition } from './position';
import { positionsClosed, positionsOpened, realisedNetR, realisedR } from './position.metrics';
import { PositionStore, type OpenOutcome } from './position.store';

/** Opens and closes positions: the one place that turns a decision into state, events and metrics. */
@Injectable()
export class PositionCloser implements OnModuleInit {
  private readonly log = getLogger('positions');

  constructor(
    private readonly store: PositionStore,
    @Inject(MAX_HOLD_TIMER) private readonly maxHold: MaxHoldTimer,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CLOSER_CONFIG) private readonly config: CloserConfig,
  ) {}

  /** Before any consumer starts (they start on application bootstrap). */
  async onModuleInit(): Promise<void> {
    await this.store.ensureGroups();
  }

  /** Stores and announces a new position and schedules its max-hold close (`fence`: see PositionStore). */
  async open(position: OpenPosition, fence?: Fence): Promise<OpenOutcome> {
    const outcome = await this.store.open(position, fence);
    if (outcome === 'opened') {
      positionsOpened.inc();
      this.log.info(
        { position_id: position.position_id, symbol: position.symbol, direction: position.direction, entry: position.entry_price },
        'position opened',
      );
    }
    if (outcome === 'opened' || outcome === 'exists') {
      // On `exists` (a redelivered signal) the job may be missing if a crash came between the two.
      const state = outcome === 'opened' ? position : await this.store.get(position.position_id);
      if (state?.type === 'opened') await this.maxHold.schedule(state);
    }
    return outcome;
  }

  /**
   * Closes at `exitPrice` unless someone closed it first (another replica, an earlier candle);
   * returns the `closed` event when this call closed it, else null.
   */
  async close(position: OpenPosition, reason: CloseReason, exitPrice: number, fence?: Fence): Promise<PositionClosedEvent | null> {
    const closed = closePosition(position, reason, exitPrice, this.clock.now(), this.config.costs);
    const request = EARLY_EXIT_REASONS.includes(reason) ? closeRequestFor(closed) : null;
    if (!(await this.store.close(closed, request, fence))) return null;
    positionsClosed.inc({ reason });
    realisedR.observe({ reason }, closed.r_multiple);
    realisedNetR.observe({ reason }, closed.net_r_multiple ?? closed.r_multiple);
    this.log.info(
      { position_id: closed.position_id, symbol: closed.symbol, reason, exit: exitPrice, pnl_pct: closed.pnl_pct, r: closed.r_multiple, net_r: closed.net_r_multiple },
      'position closed',
    );
    if (reason !== 'max_hold') await this.maxHold.cancel(closed.position_id);
    return closed;
  }

  /**
   * Closes an open position at the symbol's last candle close (max hold, manual). Without any
   * candle seen for the symbol the entry price is the best estimate: PnL 0.
   */
  async closeAtLastPrice(positionId: string, reason: CloseReason): Promise<PositionClosedEvent | null> {
    const state = await this.store.get(positionId);
    if (state?.type !== 'opened') return null;
    const last = await this.store.lastPrice(state.symbol);
    if (!last) this.log.warn({ position_id: positionId, symbol: state.symbol }, 'no price seen for the symbol; closing at entry');
    return this.close(state, reason, last?.price ?? state.entry_price);
  }
}
