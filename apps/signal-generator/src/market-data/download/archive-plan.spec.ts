import { archiveName, archivePath, archiveUrl, ArchiveRef, daysBefore, monthRange, planArchives } from './archive-plan';

const NOV_29_2026 = new Date(Date.UTC(2026, 10, 29, 12, 0));

describe('monthRange', () => {
  it('lists every month, both ends included, across a year end', () => {
    expect(monthRange('2024-11', '2025-02')).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
    expect(monthRange('2025-06', '2025-06')).toEqual(['2025-06']);
  });

  it('names a bad bound', () => {
    expect(() => monthRange('2025-13', '2025-14')).toThrow("--from '2025-13' is not a month like 2025-01");
    expect(() => monthRange('2025-01', '2025-1')).toThrow("--to '2025-1' is not a month like 2025-01");
    expect(() => monthRange('2025-06', '2025-01')).toThrow('--from 2025-06 is after --to 2025-01');
  });
});

describe('daysBefore', () => {
  it('lists the finished UTC days of the month, not today', () => {
    expect(daysBefore('2026-11', new Date(Date.UTC(2026, 10, 4, 23, 59)))).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(daysBefore('2026-11', new Date(Date.UTC(2026, 10, 1, 8, 0)))).toEqual([]);
  });
});

describe('planArchives', () => {
  it('takes past months as monthly files, symbol by symbol', () => {
    const plan = planArchives({ symbols: ['BTCUSDT', 'ETHUSDT'], market: 'futures-um', interval: '1m', from: '2025-01', to: '2025-02' }, NOV_29_2026);
    expect(plan.map((r) => `${r.symbol} ${r.cadence} ${r.period}`)).toEqual([
      'BTCUSDT monthly 2025-01', 'BTCUSDT monthly 2025-02', 'ETHUSDT monthly 2025-01', 'ETHUSDT monthly 2025-02',
    ]);
  });

  it('takes the current month as daily files up to yesterday', () => {
    const plan = planArchives({ symbols: ['BTCUSDT'], market: 'spot', interval: '5m', from: '2026-10', to: '2026-11' }, NOV_29_2026);
    expect(plan[0]).toEqual({ market: 'spot', symbol: 'BTCUSDT', interval: '5m', cadence: 'monthly', period: '2026-10' });
    expect(plan.slice(1).map((r) => r.period)).toEqual(daysBefore('2026-11', NOV_29_2026));
    expect(plan).toHaveLength(1 + 28);
    expect(plan.slice(1).every((r) => r.cadence === 'daily')).toBe(true);
  });

  it('refuses a month that has not started', () => {
    expect(() => planArchives({ symbols: ['BTCUSDT'], market: 'spot', interval: '1m', from: '2026-11', to: '2026-12' }, NOV_29_2026))
      .toThrow('--to 2026-12 is after the current month (2026-11)');
  });
});

describe('archive paths', () => {
  const monthly: ArchiveRef = { market: 'futures-um', symbol: 'BTCUSDT', interval: '1m', cadence: 'monthly', period: '2025-01' };
  const daily: ArchiveRef = { market: 'spot', symbol: 'ETHUSDT', interval: '1h', cadence: 'daily', period: '2026-11-03' };

  it('follows the data.binance.vision layout', () => {
    expect(archiveName(monthly)).toBe('BTCUSDT-1m-2025-01');
    expect(archivePath(monthly)).toBe('futures/um/monthly/klines/BTCUSDT/1m/BTCUSDT-1m-2025-01.zip');
    expect(archiveUrl('https://data.binance.vision', monthly)).toBe('https://data.binance.vision/data/futures/um/monthly/klines/BTCUSDT/1m/BTCUSDT-1m-2025-01.zip');
    expect(archivePath(daily)).toBe('spot/daily/klines/ETHUSDT/1h/ETHUSDT-1h-2026-11-03.zip');
  });
});
