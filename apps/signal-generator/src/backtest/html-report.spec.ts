import type { ReportTrade } from './html-report.collector';
import { bySymbol, equityRows } from './html-report';

const trade = (symbol: string, exitOn: number, netR: number, grossR: number): ReportTrade =>
  ({ symbol, exitOn, result: { netR, grossR } }) as unknown as ReportTrade;

describe('HTML report figures', () => {
  it('equity is cumulative in close order, closes on one candle share a row, drawdown from the net peak', () => {
    expect(equityRows([trade('A', 3, -1.1, -1), trade('A', 1, 2, 2.1), trade('B', 3, 0.5, 0.6)])).toEqual([
      { time: 1, net: 2, gross: 2.1, drawdown: 0 },
      { time: 3, net: 1.4, gross: 1.7, drawdown: -0.6 },
    ]);
  });
  it('groups by symbol, net beside gross', () => {
    expect([...bySymbol([trade('B', 1, 1, 1.2), trade('A', 2, -1, -0.9), trade('B', 3, -0.5, -0.5)])]).toEqual([
      ['A', { trades: 1, netWins: 0, netR: -1, grossR: -0.9, netWon: 0, netLost: 1 }],
      ['B', { trades: 2, netWins: 1, netR: 0.5, grossR: 0.7, netWon: 1, netLost: 0.5 }],
    ]);
  });
});
