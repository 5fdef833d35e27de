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
    expect(latencyRows({ latency: { stream_to_sse: { p50_ms: 3, p99_ms: 40 } } })).toEqual([{ stage: 'stream_to_sse', label: 'stream to sse', p50: 3, p99: 40 }]);
    // The five stages of /api/stats, named as the README names them, in the order a signal passes them.
    const five = { candle_to_signal: { p50_ms: 2 }, served: { p50_ms: 1 }, sse: { p50_ms: 1 }, telegram: { p50_ms: 300, p99_ms: null }, ack: { count: null, p50_ms: null, p99_ms: null } };
    expect(latencyRows({ latency: five }).map((r) => [r.label, r.p50, r.p99])).toEqual([
      ['candle close → signal', 2, null],
      ['stream → served', 1, null],
      ['stream → SSE', 1, null],
      ['stream → Telegram', 300, null],
      ['signal → ATAS ack', null, null],
    ]);
    expect(latencyRows({ signals: {} })).toEqual([]);
  });
});
