import { shardBySymbol } from './threaded-backtest';

const file = (symbol: string, n: number) => ({ path: `${symbol}-1m-${n}.csv`, symbol, timeframe: '1m' });

describe('shardBySymbol', () => {
  it('keeps each symbol’s files together and balances the sizes over the threads', () => {
    const files = [file('BTCUSDT', 1), file('ETHUSDT', 1), file('BTCUSDT', 2), file('AVAXUSDT', 1), file('SOLUSDT', 1)];
    const size = (f: { symbol: string }) => ({ BTCUSDT: 50, ETHUSDT: 60, AVAXUSDT: 40, SOLUSDT: 30 })[f.symbol] as number;
    const shards = shardBySymbol(files, 2, size);
    expect(shards.map((s) => s.map((f) => f.path))).toEqual([
      // largest first, each to the lightest shard: BTC 100 | ETH 60, AVAX 40 | then SOL 30 on the first of the tie
      ['BTCUSDT-1m-1.csv', 'BTCUSDT-1m-2.csv', 'SOLUSDT-1m-1.csv'],
      ['ETHUSDT-1m-1.csv', 'AVAXUSDT-1m-1.csv'],
    ]);
  });

  it('never makes more shards than symbols', () => {
    expect(shardBySymbol([file('BTCUSDT', 1), file('BTCUSDT', 2)], 4, () => 1)).toHaveLength(1);
  });
});
