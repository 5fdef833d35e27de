import { gauge } from '@app/observability';
import type { PositionStore } from './position.store';

let source: PositionStore | undefined;

/**
 * `positions_open`, read from Redis at scrape time: the count is global (every replica reports
 * the same number; aggregate with max, not sum).
 */
export function registerOpenPositionsGauge(store: PositionStore): void {
  source = store;
  gauge({
    name: 'positions_open',
    help: 'Positions currently open (global, read from Redis at scrape time)',
    async collect() {
      if (source) this.set(await source.openCount().catch(() => 0));
    },
  });
}
