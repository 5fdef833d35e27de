import { ConfigError } from '@app/config';
import { loadConfig } from './config';

describe('signal-generator config', () => {
  it('runs the shipped sample by default: replay at x60 with a warm-up, all seven strategies, metrics on 9100', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 9100,
      symbols: ['BTCUSDT', 'ETHUSDT'],
      timeframe: '1m',
      marketSource: 'replay',
      replay: { files: ['data/BTCUSDT-1m-2025-05-06.csv', 'data/ETHUSDT-1m-2025-05-06.csv'], speed: 60, warmupCandles: 120, badRows: 'skip' },
    });
    expect(c.pipeline.strategies).toHaveLength(7);
    expect(c.pipeline.consensus).toEqual({ minStrategiesAgree: 3, minConfidence: 60 });
    expect(c.signalTimeframes).toEqual(['1m']);
  });

  it('runs the strategies on the feed timeframe unless SIGNAL_TIMEFRAMES lists more', () => {
    expect(loadConfig({ TIMEFRAME: '5m' }).signalTimeframes).toEqual(['5m']);
    expect(loadConfig({ SIGNAL_TIMEFRAMES: '1m, 5m,15m' }).signalTimeframes).toEqual(['1m', '5m', '15m']);
    expect(loadConfig({ TIMEFRAME: '5m', SIGNAL_TIMEFRAMES: '15m,1h' }).signalTimeframes).toEqual(['15m', '1h']);
  });

  it('keeps the consensus fixed unless ADAPTIVE_CONSENSUS=true, which scores would-be trades with the shared costs and max hold', () => {
    expect(loadConfig({}).pipeline.adaptive).toBeUndefined();
    const c = loadConfig({ ADAPTIVE_CONSENSUS: 'true', ADAPTIVE_HALF_LIFE_TRADES: '10', ADAPTIVE_SENSITIVITY: '3', TAKER_FEE_BPS: '4', MAKER_FEE_BPS: '1', SLIPPAGE_TICKS: '2', MAX_HOLD_MINUTES: '30' });
    expect(c.pipeline.adaptive).toEqual({ halfLifeTrades: 10, sensitivity: 3, costs: { takerFeeBps: 4, makerFeeBps: 1, slippageTicks: 2 }, maxHoldMs: 1_800_000 });
    expect(() => loadConfig({ ADAPTIVE_CONSENSUS: 'yes' })).toThrow(/ADAPTIVE_CONSENSUS: must be true or false/);
  });

  it('marks replayed signals replay and only the Binance feed live', () => {
    expect(loadConfig({}).pipeline.source).toBe('replay');
    expect(loadConfig({ MARKET_SOURCE: 'binance' }).pipeline.source).toBe('live');
  });

  it('parses lists, speeds and tick sizes', () => {
    const c = loadConfig({ SYMBOLS: 'SOLUSDT, XRPUSDT', REPLAY_SPEED: 'max', TICK_SIZES: 'SOLUSDT:0.01,XRPUSDT:0.0001', STRATEGIES: 'ema_cross,rsi_extreme,macd_turn', COOLDOWN_SECONDS: '60' });
    expect(c.symbols).toEqual(['SOLUSDT', 'XRPUSDT']);
    expect(c.replay.speed).toBe('max');
    expect(c.tickSizes).toEqual({ SOLUSDT: 0.01, XRPUSDT: 0.0001 });
    expect(c.pipeline.cooldownMs).toBe(60_000);
  });

  it.each([
    [{ MARKET_SOURCE: 'kraken' }, /MARKET_SOURCE: /],
    [{ REPLAY_SPEED: 'fast' }, /REPLAY_SPEED: 'fast' is not a replay speed/],
    [{ SYMBOLS: 'btc-usdt' }, /SYMBOLS\.0: each entry must be an upper-case symbol/],
    [{ TIMEFRAME: '1 minute' }, /TIMEFRAME: TIMEFRAME must look like 1m/],
    [{ LEVERAGE: '2.5' }, /LEVERAGE: /],
    [{ LEVERAGE: '50', MAX_LEVERAGE: '20' }, /LEVERAGE: 50 exceeds MAX_LEVERAGE 20/],
    [{ MIN_STRATEGIES_AGREE: '4', STRATEGIES: 'ema_cross,rsi_extreme' }, /MIN_STRATEGIES_AGREE: 4 is more than the 2 strategies enabled/],
    [{ STRATEGIES: 'ema_cross,astrology,rsi_extreme' }, /STRATEGIES: unknown astrology/],
    [{ TICK_SIZES: 'BTCUSDT=0.1' }, /TICK_SIZES: 'BTCUSDT=0.1' is not SYMBOL:tick/],
    [{ EMA_FAST: '30', EMA_SLOW: '20' }, /EMA_FAST: must be below EMA_SLOW/],
    [{ REDIS_URL: 'http://x' }, /REDIS_URL: /],
    [{ SIGNAL_TIMEFRAMES: '5 minutes' }, /SIGNAL_TIMEFRAMES\.0: each entry must be a timeframe like 1m/],
    [{ TIMEFRAME: '5m', SIGNAL_TIMEFRAMES: '1m,15m' }, /SIGNAL_TIMEFRAMES: 1m is not a whole multiple of the 5m feed candles \(TIMEFRAME\)/],
    [{ SIGNAL_TIMEFRAMES: '1m,7m' }, /SIGNAL_TIMEFRAMES: 7m does not divide a day into whole bars/],
    [{ SIGNAL_TIMEFRAMES: '5m,5m' }, /SIGNAL_TIMEFRAMES: 5m is listed twice/],
  ])('names the bad variable in %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never echoes a Redis password in its errors', () => {
    try {
      loadConfig({ REDIS_URL: 'redis://:hunter2secret@127.0.0.1:6379', PORT: 'x' });
      throw new Error('should have failed');
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT/);
      expect((err as Error).message).not.toContain('hunter2secret');
    }
  });
});
