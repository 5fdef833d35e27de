import type { ControlStore } from '@app/redis-streams';
import type { InlineKeyboard } from 'grammy';
import type { View } from './callback-data';
import { GatewayError, type GatewayClient } from './gateway.client';
import { positionsKeyboard, refreshKeyboard } from './keyboards';
import { OpenPosition, parseItems, PerformanceReply, ServedSignal, StatsReply, SymbolPrice } from './views/gateway-replies';
import { performanceView } from './views/performance.view';
import { positionsView } from './views/positions.view';
import { SIGNALS_SHOWN, signalsView } from './views/signals.view';
import { statusView } from './views/status.view';
import { asOf } from './views/view-text';

export interface ViewMessage {
  text: string;
  keyboard: InlineKeyboard;
}

/**
 * Reads what a view shows from where it lives: the kill switch from Redis (the ControlStore, so
 * /status answers even with the gateway down), the rest from the gateway's read models.
 */
export class ViewLoader {
  constructor(
    private readonly gateway: GatewayClient,
    private readonly control: ControlStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async load(view: View): Promise<ViewMessage> {
    try {
      return await this.read(view);
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      return { text: `⚠️ ${view}: ${err.message}\n${asOf(this.clock())}`, keyboard: refreshKeyboard(view) };
    }
  }

  private async read(view: View): Promise<ViewMessage> {
    switch (view) {
      case 'status':
        return { text: await this.status(), keyboard: refreshKeyboard(view) };
      case 'signals': {
        const [control, body] = await Promise.all([this.control.read(), this.gateway.get(`/api/signals?limit=${SIGNALS_SHOWN + 40}`)]);
        const { items, skipped } = parseItems(ServedSignal, body.signals);
        return { text: signalsView(items, skipped, control, this.clock()), keyboard: refreshKeyboard(view) };
      }
      case 'positions': {
        const [open, market] = await Promise.all([this.gateway.get('/api/positions'), this.gateway.get('/api/market/symbols').catch(() => ({ symbols: [] }))]);
        const positions = parseItems(OpenPosition, open.positions).items;
        const prices = parseItems(SymbolPrice, market.symbols).items;
        return { text: positionsView(positions, prices, this.clock()), keyboard: positionsKeyboard(positions) };
      }
      case 'performance': {
        const parsed = PerformanceReply.safeParse(await this.gateway.get('/api/performance'));
        if (!parsed.success) throw new GatewayError('gateway: unreadable /api/performance answer', 200);
        return { text: performanceView(parsed.data, this.clock()), keyboard: refreshKeyboard(view) };
      }
    }
  }

  private async status(): Promise<string> {
    const control = await this.control.read();
    const [stats, health, positions] = await Promise.allSettled([this.gateway.get('/api/stats'), this.gateway.get('/api/health'), this.gateway.get('/api/positions')]);
    const parsed = stats.status === 'fulfilled' ? StatsReply.safeParse(stats.value) : undefined;
    const gatewayError = stats.status === 'rejected' ? (stats.reason as Error).message : parsed?.success ? undefined : 'unreadable /api/stats answer';
    return statusView(
      {
        control,
        stats: parsed?.success ? parsed.data : undefined,
        gatewayHealthy: health.status === 'fulfilled',
        gatewayError,
        openPositions: positions.status === 'fulfilled' && typeof positions.value.count === 'number' ? positions.value.count : undefined,
      },
      this.clock(),
    );
  }
}
