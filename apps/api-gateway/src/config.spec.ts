import { ConfigError, loadConfig } from './config';

describe('gateway config', () => {
  it('defaults to the guide\'s port and the issue\'s limits', () => {
    expect(loadConfig({})).toEqual({
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_SENTINEL_NAME: 'mymaster',
      PORT: 8888,
      HOST: '0.0.0.0',
      SIGNAL_TTL_SECONDS: 120,
      ACTIVE_MAX: 50,
      HISTORY_MAX: 500,
      API_KEY: undefined,
      SSE_HEARTBEAT_MS: 15_000,
      SSE_MAX_BUFFER_BYTES: 1024 * 1024,
      LOG_LEVEL: 'info',
      // /api/performance's net figures: Binance USDT-M VIP 0 taker and maker fees, one tick of slippage
      TAKER_FEE_BPS: 5,
      MAKER_FEE_BPS: 2,
      SLIPPAGE_TICKS: 1,
    });
  });

  it('treats an empty API_KEY as unset (docker-compose passes API_KEY= when none is configured)', () => {
    expect(loadConfig({ API_KEY: '' }).API_KEY).toBeUndefined();
    expect(loadConfig({ API_KEY: 'a-long-enough-key' }).API_KEY).toBe('a-long-enough-key');
  });

  it('names every bad variable, without echoing values', () => {
    const load = () => loadConfig({ PORT: '99999', HISTORY_MAX: 'many', REDIS_URL: 'http://secret-host', API_KEY: 'abc' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      'invalid configuration: REDIS_URL: REDIS_URL must start with redis:// or rediss://; PORT: Too big: expected number to be <=65535; ' +
        'HISTORY_MAX: Invalid input: expected number, received NaN; API_KEY: API_KEY must be at least 8 characters',
    );
    expect(load).not.toThrow(/secret-host|abc/);
  });
});
