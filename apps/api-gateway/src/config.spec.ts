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
      HTTP_BODY_LIMIT_BYTES: 64 * 1024,
      HTTP_HEADERS_TIMEOUT_MS: 10_000,
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
      HTTP_KEEP_ALIVE_TIMEOUT_MS: 72_000,
      HTTP_IDLE_TIMEOUT_MS: 120_000,
      RATE_LIMIT_MAX: 1200,
      RATE_LIMIT_WINDOW_MS: 60_000,
      RATE_LIMIT_LOOPBACK: false,
      CORS_ORIGINS: [],
      TRUST_PROXY: false,
      LOG_LEVEL: 'info',
      // /api/performance's net figures: Binance USDT-M VIP 0 taker and maker fees, one tick of slippage
      TAKER_FEE_BPS: 5,
      MAKER_FEE_BPS: 2,
      SLIPPAGE_TICKS: 1,
    });
  });

  it('reads CORS origins and proxies as lists, a hop count or a switch', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example.com, http://b.example.com:8080' }).CORS_ORIGINS).toEqual([
      'https://a.example.com',
      'http://b.example.com:8080',
    ]);
    expect(loadConfig({ CORS_ORIGINS: '*' }).CORS_ORIGINS).toEqual(['*']);
    expect(() => loadConfig({ CORS_ORIGINS: 'dash.example.com' })).toThrow(/CORS_ORIGINS must be \* or origins/);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '127.0.0.1']);
  });

  it('refuses timeouts that would cut healthy SSE streams or contradict each other', () => {
    expect(() => loadConfig({ HTTP_IDLE_TIMEOUT_MS: '10000', SSE_HEARTBEAT_MS: '15000' })).toThrow(
      'HTTP_IDLE_TIMEOUT_MS: HTTP_IDLE_TIMEOUT_MS must exceed SSE_HEARTBEAT_MS',
    );
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '5000' })).toThrow(
      'HTTP_REQUEST_TIMEOUT_MS must be at least HTTP_HEADERS_TIMEOUT_MS',
    );
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
