import { healthRows, latencyRows } from './system';

describe('system view logic', () => {
  it('turns the health body into up/down rows', () => {
    const body = { status: 'error', details: { redis: { status: 'up' }, signals_reader: { status: 'down', message: 'not following' } } };
    expect(healthRows(body)).toEqual([
      { name: 'redis', up: true, detail: 'up' },
      { name: 'signals_reader', up: false, detail: 'not following' },
    ]);
    expect(healthRows(undefined)).toEqual([]);
  });
  it('reads latency percentiles when /api/stats has them, nothing otherwise', () => {
    expect(latencyRows({ latency: { stream_to_sse: { p50_ms: 3, p99_ms: 40 } } })).toEqual([{ stage: 'stream_to_sse', p50: 3, p99: 40 }]);
    expect(latencyRows({ signals: {} })).toEqual([]);
  });
});
