import { ConfigError } from '@app/config';
import { loadConfig } from './config';

describe('gateway config', () => {
  it('defaults to the guide\'s port and the issue\'s limits', () => {
    expect(loadConfig({})).toEqual({
      redis: { url: 'redis://127.0.0.1:6379', sentinels: undefined, sentinelName: 'mymaster', commandTimeoutMs: 5000 },
      port: 8888,
      host: '0.0.0.0',
      signals: { ttlMs: 120_000, activeMax: 50, historyMax: 500 },
      // Acks are kept 72 h at most (and while their signal is on the stream), pruned every minute
      acks: { retentionMs: 72 * 3_600_000, pruneIntervalMs: 60_000 },
      apiKey: undefined,
      sse: { heartbeatMs: 15_000, maxBufferBytes: 1024 * 1024 },
      http: { bodyLimitBytes: 64 * 1024, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 72_000, idleTimeoutMs: 120_000, corsOrigins: [], trustProxy: false },
      rateLimit: { max: 1200, windowMs: 60_000, loopback: false },
      logLevel: 'info',
      // /api/performance's net figures: Binance USDT-M VIP 0 taker and maker fees, one tick of slippage
      costs: { takerFeeBps: 5, makerFeeBps: 2, slippageTicks: 1 },
      market: { candlesPerSymbol: 1000, loadEntries: 20_000 },
      // The closed positions kept, as the position-closer's positions stream keeps them
      positions: { historyMax: 10_000, closeRequestsMax: 10_000 },
      dashboardDir: 'dist/dashboard',
      // Finished manual-close jobs: completed kept 1 h (5000 at most), failed 7 days (10,000)
      jobRetention: { removeOnComplete: { age: 3600, count: 5000 }, removeOnFail: { age: 604_800, count: 10_000 } },
    });
    expect(loadConfig({ POSITIONS_HISTORY_MAX: '25' }).positions).toEqual({ historyMax: 25, closeRequestsMax: 10_000 });
    expect(() => loadConfig({ POSITIONS_HISTORY_MAX: '0' })).toThrow(/POSITIONS_HISTORY_MAX/);
  });

  it('reads CORS origins and proxies as lists, a hop count or a switch', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example.com, http://b.example.com:8080' }).http.corsOrigins).toEqual([
      'https://a.example.com',
      'http://b.example.com:8080',
    ]);
    expect(loadConfig({ CORS_ORIGINS: '*' }).http.corsOrigins).toEqual(['*']);
    expect(() => loadConfig({ CORS_ORIGINS: 'dash.example.com' })).toThrow(/CORS_ORIGINS must be \* or origins/);
    expect(loadConfig({ TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '1' }).http.trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }).http.trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
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
    expect(loadConfig({ API_KEY: '' }).apiKey).toBeUndefined();
    expect(loadConfig({ API_KEY: 'a-long-enough-key' }).apiKey).toBe('a-long-enough-key');
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

  it('keeps an acknowledgement longer than its signal can be active', () => {
    expect(loadConfig({ ACK_RETENTION_HOURS: '0.5', ACK_PRUNE_INTERVAL_MS: '0' }).acks).toEqual({ retentionMs: 1_800_000, pruneIntervalMs: 0 });
    expect(() => loadConfig({ SIGNAL_TTL_SECONDS: '3600', ACK_RETENTION_HOURS: '2' })).toThrow(/ACK_RETENTION_HOURS must exceed twice SIGNAL_TTL_SECONDS/);
    expect(() => loadConfig({ ACK_RETENTION_HOURS: '0' })).toThrow(/ACK_RETENTION_HOURS/);
  });
});
