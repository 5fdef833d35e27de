import type { PositionClosedEvent } from '@app/contracts';
import { NO_COSTS, type CostModel } from '@app/trading';
import { performanceReport as report, statsOf as stats0 } from './performance.calculator';

// Without costs the net figures equal the gross ones: the hand-checked gross cases below hold
// them to that; the costs case at the end checks the net arithmetic.
const performanceReport = (closed: PositionClosedEvent[], costs: CostModel = NO_COSTS) => report(closed, costs);
const statsOf = (closed: PositionClosedEvent[]) => stats0(closed, NO_COSTS);

/**
 * Five closed positions, 1000 USDT each (quantity = 1000 / entry), with the numbers worked by
 * hand below. pnl = quantity × signed move.
 *
 *  #  symbol  side  entry  stop  exit   qty   move   pnl    pnl%   R      hold   strategies
 *  1  BTC     BUY   100    98    104    10    +4     +40    +4     +2     600    ema, rsi
 *  2  BTC     SELL  200    204   204    5     −4     −20    −2     −1     300    ema
 *  3  ETH     BUY   50     49    49.5   20    −0.5   −10    −1     −0.5   1200   rsi, macd
 *  4  ETH     SELL  40     41    37     25    +3     +75    +7.5   +3     900    macd
 *  5  ETH     BUY   80     78    80     12.5  0      0      0      0      3600   ema   (break-even)
 */
const FIXTURE: PositionClosedEvent[] = [
  closed('1-0', 'BTCUSDT', 'BUY', 100, 98, 104, 10, 4, 2, 600, ['ema', 'rsi']),
  closed('2-0', 'BTCUSDT', 'SELL', 200, 204, 204, 5, -2, -1, 300, ['ema']),
  closed('3-0', 'ETHUSDT', 'BUY', 50, 49, 49.5, 20, -1, -0.5, 1200, ['rsi', 'macd']),
  closed('4-0', 'ETHUSDT', 'SELL', 40, 41, 37, 25, 7.5, 3, 900, ['macd']),
  closed('5-0', 'ETHUSDT', 'BUY', 80, 78, 80, 12.5, 0, 0, 3600, ['ema']),
];

describe('performance calculator (hand-checked fixture)', () => {
  it('overall', () => {
    // wins #1 #4, losses #2 #3, #5 neither: 2 / 5 = 40 %
    // gross profit 40 + 75 = 115, gross loss 20 + 10 = 30: PF 115 / 30 = 3.8333
    // R: 2 − 1 − 0.5 + 3 + 0 = 3.5, / 5 = 0.7; net 115 − 30 = 85
    // pnl%: (4 − 2 − 1 + 7.5 + 0) / 5 = 1.7; hold (600 + 300 + 1200 + 900 + 3600) / 5 = 1320
    expect(performanceReport(FIXTURE).overall).toEqual({
      trades: 5,
      wins: 2,
      losses: 2,
      win_rate: 40,
      profit_factor: 3.8333,
      average_r: 0.7,
      total_r: 3.5,
      net_pnl: 85,
      average_pnl_pct: 1.7,
      average_hold_seconds: 1320,
      ...sameNet(40, 3.8333, 0.7, 3.5, 85),
    });
  });

  it('by symbol', () => {
    const { by_symbol } = performanceReport(FIXTURE);
    // BTC #1 #2: 1 / 2 = 50 %; PF 40 / 20 = 2; R (2 − 1) / 2 = 0.5; net 20; pnl% (4 − 2) / 2 = 1; hold 450
    expect(by_symbol.BTCUSDT).toEqual(stats(2, 1, 1, 50, 2, 0.5, 1, 20, 1, 450));
    // ETH #3 #4 #5: 1 / 3 = 33.3333 %; PF 75 / 10 = 7.5; R 2.5 / 3 = 0.8333; net 65; pnl% 6.5 / 3 = 2.1667; hold 5700 / 3 = 1900
    expect(by_symbol.ETHUSDT).toEqual(stats(3, 1, 1, 33.3333, 7.5, 0.8333, 2.5, 65, 2.1667, 1900));
    expect(Object.keys(by_symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
  });

  it('by direction', () => {
    const { by_direction } = performanceReport(FIXTURE);
    // BUY #1 #3 #5: PF 40 / 10 = 4; R 1.5 / 3 = 0.5; net 30; pnl% 3 / 3 = 1; hold 5400 / 3 = 1800
    expect(by_direction.BUY).toEqual(stats(3, 1, 1, 33.3333, 4, 0.5, 1.5, 30, 1, 1800));
    // SELL #2 #4: PF 75 / 20 = 3.75; R 2 / 2 = 1; net 55; pnl% 5.5 / 2 = 2.75; hold 600
    expect(by_direction.SELL).toEqual(stats(2, 1, 1, 50, 3.75, 1, 2, 55, 2.75, 600));
  });

  it('by strategy: the strategy_name and each agreeing strategy', () => {
    const { by_strategy, overall } = performanceReport(FIXTURE);
    expect(Object.keys(by_strategy)).toEqual(['Consensus', 'ema', 'macd', 'rsi']);
    expect(by_strategy.Consensus).toEqual(overall); // every position's strategy_name
    // ema #1 #2 #5: PF 40 / 20 = 2; R 1 / 3 = 0.3333; net 20; pnl% 2 / 3 = 0.6667; hold 4500 / 3 = 1500
    expect(by_strategy.ema).toEqual(stats(3, 1, 1, 33.3333, 2, 0.3333, 1, 20, 0.6667, 1500));
    // rsi #1 #3: PF 40 / 10 = 4; R 1.5 / 2 = 0.75; net 30; pnl% 3 / 2 = 1.5; hold 900
    expect(by_strategy.rsi).toEqual(stats(2, 1, 1, 50, 4, 0.75, 1.5, 30, 1.5, 900));
    // macd #3 #4: PF 75 / 10 = 7.5; R 2.5 / 2 = 1.25; net 65; pnl% 6.5 / 2 = 3.25; hold 1050
    expect(by_strategy.macd).toEqual(stats(2, 1, 1, 50, 7.5, 1.25, 2.5, 65, 3.25, 1050));
  });

  it('after costs: taker 10 bps both sides (every fixture exit is manual, a market order), no tick so no slippage', () => {
    // fee per unit = (entry + exit) × 0.001; net R = (move − fee) / risk; net pnl = quantity × (move − fee)
    //  #1  0.204 × 10 = 2.04     37.96    (4 − 0.204) / 2 = 1.898
    //  #2  0.404 × 5 = 2.02     −22.02    (−4 − 0.404) / 4 = −1.101
    //  #3  0.0995 × 20 = 1.99   −11.99    (−0.5 − 0.0995) / 1 = −0.5995
    //  #4  0.077 × 25 = 1.925    73.075   (3 − 0.077) / 1 = 2.923
    //  #5  0.16 × 12.5 = 2       −2       −0.16 / 2 = −0.08   (break-even gross, a loss net)
    // net wins #1 #4: 40 %; PF 111.035 / 36.01 = 3.0834; R 3.0405 / 5 = 0.6081; after costs 85 − 9.975 = 75.025
    const costs: CostModel = { takerFeeBps: 10, makerFeeBps: 0, slippageTicks: 0 };
    const r = performanceReport(FIXTURE, costs);
    expect(r.costs).toEqual({ taker_fee_bps: 10, maker_fee_bps: 0, slippage_ticks: 0 });
    expect(r.overall).toMatchObject({ profit_factor: 3.8333, average_r: 0.7, net_pnl: 85 }); // gross unchanged
    expect(r.overall).toMatchObject({
      net_win_rate: 40,
      net_profit_factor: 3.0834,
      net_average_r: 0.6081,
      net_total_r: 3.0405,
      pnl_after_costs: 75.025,
      fees_quote: 9.975,
      slippage_quote: 0,
    });
    // with the tick known, a tick of slippage per side: #1 at tick 0.5 loses 2 × 0.5 × 10 units = 10 more
    const ticked = performanceReport([{ ...FIXTURE[0], tick_size: 0.5 }], { ...costs, slippageTicks: 1 }).overall;
    expect(ticked.slippage_quote).toBe(10);
    expect(ticked.pnl_after_costs).toBeCloseTo(40 - 10 - 10 * (100.5 + 103.5) * 0.001, 4);
  });

  it('no losses: profit factor null; nothing closed: zeros', () => {
    expect(statsOf([FIXTURE[0]]).profit_factor).toBeNull();
    expect(statsOf([])).toEqual(stats(0, 0, 0, 0, null, 0, 0, 0, 0, 0));
  });
});

function stats(
  trades: number,
  wins: number,
  losses: number,
  win_rate: number,
  profit_factor: number | null,
  average_r: number,
  total_r: number,
  net_pnl: number,
  average_pnl_pct: number,
  average_hold_seconds: number,
) {
  return { trades, wins, losses, win_rate, profit_factor, average_r, total_r, net_pnl, average_pnl_pct, average_hold_seconds, ...sameNet(win_rate, profit_factor, average_r, total_r, net_pnl) };
}

/** The net fields when there are no costs: the gross figures again. */
function sameNet(win_rate: number, profit_factor: number | null, average_r: number, total_r: number, net_pnl: number) {
  return { net_win_rate: win_rate, net_profit_factor: profit_factor, net_average_r: average_r, net_total_r: total_r, pnl_after_costs: net_pnl, fees_quote: 0, slippage_quote: 0 };
}

function closed(
  id: string,
  symbol: string,
  direction: 'BUY' | 'SELL',
  entry: number,
  stop: number,
  exit: number,
  quantity: number,
  pnl_pct: number,
  r_multiple: number,
  hold_seconds: number,
  strategies: string[],
): PositionClosedEvent {
  return {
    type: 'closed',
    position_id: id,
    signal_id: id,
    signal_timestamp: '2025-05-06T12:00:00.000000',
    symbol,
    direction,
    timeframe: '1m',
    strategy_name: 'Consensus',
    entry_price: entry,
    stop_loss: stop,
    take_profit: direction === 'BUY' ? entry * 1.1 : entry * 0.9,
    leverage: 10,
    quantity,
    opened_at: '2025-05-06T12:00:00.000Z',
    strategies,
    reason: 'manual',
    exit_price: exit,
    closed_at: '2025-05-06T13:00:00.000Z',
    pnl_pct,
    pnl_leveraged_pct: pnl_pct * 10,
    r_multiple,
    hold_seconds,
  };
}
