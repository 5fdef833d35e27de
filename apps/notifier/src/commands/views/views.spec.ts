import type { ControlState } from '@app/contracts';
import { htmlError, plainText } from '../../../test/fixtures/fake-telegram.server';
import { HELP_TEXT } from './help.view';
import { performanceView } from './performance.view';
import { positionsView } from './positions.view';
import { signalsView } from './signals.view';
import { statusView } from './status.view';
import type { OpenPosition, PerformanceReply, ServedSignal } from './gateway-replies';

const NOW = new Date('2026-11-29T14:02:11.500Z');
const ENABLED: ControlState = { trading: 'enabled', since: new Date(0).toISOString(), by: 'default' };
const HOSTILE = 'x<b>&amp;</i>';

function signal(over: Partial<ServedSignal> = {}): ServedSignal {
  return {
    id: '1764424900000-0',
    timestamp: '2026-11-29T14:01:41.500000',
    symbol: 'ETHUSDT',
    direction: 'BUY',
    entry_price: 3500,
    stop_loss: 3482.5,
    take_profit: 3542,
    leverage: 20,
    signal_strength: 85.5,
    timeframe: '1m',
    strategy_name: 'Consensus',
    metadata: { consensus_confidence: 75, strategies_agree: 3, risk_reward_ratio: 2.4, source: 'live' },
    ...over,
  };
}

function position(over: Partial<OpenPosition> = {}): OpenPosition {
  return {
    position_id: '1764424900000-0',
    signal_id: '1764424900000-0',
    signal_timestamp: '2026-11-29T14:01:41.500000',
    symbol: 'BTCUSDT',
    direction: 'SELL',
    timeframe: '1m',
    strategy_name: 'Consensus',
    entry_price: 200,
    stop_loss: 204,
    take_profit: 190,
    leverage: 10,
    quantity: 5,
    opened_at: '2026-11-29T13:57:11.500Z',
    strategies: [],
    source: 'replay',
    ...over,
  };
}

/** Every view must be HTML Telegram accepts, whatever the data. */
function valid(html: string): string {
  expect(htmlError(html)).toBeUndefined();
  return plainText(html);
}

describe('command views', () => {
  it('status: the kill switch first, and says so when the gateway does not answer', () => {
    const paused: ControlState = { trading: 'paused', since: '2026-11-29T14:00:00.000Z', by: HOSTILE };
    const text = valid(statusView({ control: paused, stats: undefined, gatewayHealthy: false, gatewayError: 'gateway ECONNREFUSED', openPositions: undefined }, NOW));
    expect(text).toBe(
      `📊 Status\n⏸ PAUSED: no signal is served as active (since 2026-11-29 14:00:00 UTC, by ${HOSTILE})\nGateway: ⚠️ no answer (gateway ECONNREFUSED)\nas of 2026-11-29 14:02:11 UTC`,
    );
  });

  it('signals: newest first with prices, age and the non-live mark; paused says so', () => {
    const text = valid(signalsView([signal(), signal({ symbol: 'BTCUSDT', direction: 'SELL', entry_price: 97000, stop_loss: 97500, take_profit: 96000, metadata: { consensus_confidence: 1, strategies_agree: 3, risk_reward_ratio: 2, source: 'demo' } })], 1, ENABLED, NOW));
    expect(text.split('\n')).toEqual([
      '📡 Active signals (2)',
      '🟢 BUY ETHUSDT · 1m · 30s ago',
      '   entry 3500 · SL 3482.5 · TP 3542 · strength 85.5',
      '🔴 SELL BTCUSDT · 1m · 🧪 DEMO · 30s ago',
      '   entry 97000 · SL 97500 · TP 96000 · strength 85.5',
      '(1 unreadable, not shown)',
      'as of 2026-11-29 14:02:11 UTC',
    ]);
    expect(valid(signalsView([], 0, { trading: 'flatten', since: NOW.toISOString(), by: 'a' }, NOW))).toContain('⏸ Trading is paused');
  });

  it('positions: R at the last close, held time, the /close id; hostile symbols escaped', () => {
    const text = valid(positionsView([position(), position({ symbol: 'SOLUSDT', position_id: '1-0', direction: 'BUY', entry_price: 50, stop_loss: 49, take_profit: 53, source: 'live' })], [{ symbol: 'BTCUSDT', close: 199, close_time: 0 }], NOW));
    expect(text.split('\n')).toEqual([
      '📂 Open positions (2)',
      '🔴 SELL BTCUSDT · 🧪 REPLAY · held 5m 0s',
      '   entry 200 · SL 204 · TP 190 · last 199 (+0.25R)',
      '   /close 1764424900000-0',
      '🟢 BUY SOLUSDT · held 5m 0s',
      '   entry 50 · SL 49 · TP 53',
      '   /close 1-0',
      'as of 2026-11-29 14:02:11 UTC',
    ]);
  });

  it('performance: net beside gross, the busiest groups first; no trades says so', () => {
    const s = (trades: number, r: number) => ({ trades, win_rate: 50, net_win_rate: 40, net_average_r: r / trades, net_total_r: r, total_r: r + 1, net_profit_factor: 0.8, pnl_after_costs: -3 });
    const perf: PerformanceReply = { overall: s(10, -1.5), by_strategy: { [HOSTILE]: s(2, 1), ema_cross: s(8, -2.5) }, by_symbol: { BTCUSDT: s(10, -1.5) }, open_positions: 1 };
    const text = valid(performanceView(perf, NOW));
    expect(text.split('\n')).toEqual([
      '📈 Performance · closed trades, after fees and slippage',
      'Trades 10 · win rate 40% (gross 50%)',
      'Total -1.50R (gross -0.50R) · avg -0.15R · PF 0.8',
      'Open positions: 1',
      'By strategy',
      '  ema_cross: 8 · 40% · -2.50R',
      `  ${HOSTILE}: 2 · 40% · +1.00R`,
      'By symbol',
      '  BTCUSDT: 10 · 40% · -1.50R',
      'as of 2026-11-29 14:02:11 UTC',
    ]);
    expect(valid(performanceView({ ...perf, overall: s(0, 0) }, NOW))).toContain('No closed trade yet (1 open).');
  });

  it('help parses as Telegram HTML', () => {
    expect(valid(HELP_TEXT)).toContain('/close <id>: close one position');
  });
});
