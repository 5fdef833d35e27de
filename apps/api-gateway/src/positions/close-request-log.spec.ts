import { CloseRequestLog, type CloseRequestItem } from './close-request-log';

const item = (id: string, symbol = 'BTCUSDT'): CloseRequestItem => ({
  id,
  position_id: `p${id}`,
  signal_id: `p${id}`,
  signal_timestamp: '2025-05-06T12:00:00.000000',
  symbol,
  direction: 'BUY',
  reason: 'max_hold',
  requested_at: new Date(Number(id.split('-')[0])).toISOString(),
});

describe('CloseRequestLog', () => {
  const log = new CloseRequestLog();
  for (const [id, sym] of [['1000-0', 'BTCUSDT'], ['1000-1', 'ETHUSDT'], ['2000-0', 'BTCUSDT'], ['10000-0', 'ETHUSDT']] as const) log.add(item(id, sym));

  it('pages after a stream id, compared as numbers', () => {
    expect(log.after({ id: '1000-0' }, 10).map((i) => i.id)).toEqual(['1000-1', '2000-0', '10000-0']);
    expect(log.after({ id: '9999-5' }, 10).map((i) => i.id)).toEqual(['10000-0']);
    expect(log.after({ id: '10000-0' }, 10)).toEqual([]);
    expect(log.after(undefined, 2).map((i) => i.id)).toEqual(['1000-0', '1000-1']);
  });

  it('pages after a time, and filters by symbol', () => {
    expect(log.after({ timeMs: 1000 }, 10).map((i) => i.id)).toEqual(['2000-0', '10000-0']);
    expect(log.after({ timeMs: 999 }, 10, 'ETHUSDT').map((i) => i.id)).toEqual(['1000-1', '10000-0']);
  });

  it('ignores an entry it already has (rebuild overlap) and keeps the newest when full', () => {
    expect(log.add(item('2000-0'))).toBe(false);
    const small = new CloseRequestLog(2);
    ['1-0', '2-0', '3-0'].forEach((id) => small.add(item(id)));
    expect(small.after(undefined, 10).map((i) => i.id)).toEqual(['2-0', '3-0']);
  });
});
