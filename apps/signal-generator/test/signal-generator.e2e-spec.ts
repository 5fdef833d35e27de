import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { decodeEntry, latencySamplesKey, MarketEntrySchema, MicrosClock, parseTimestampMs, SignalSchema, STREAMS } from '@app/contracts';
import { freePort, startService, waitFor, ServiceProcess } from '@app/testing';
import { loadConfig } from '../src/config';
import { describeKlineFile } from '../src/market-data/replay/kline-file';
import { ReplaySource } from '../src/market-data/replay/replay.source';
import { SignalPipeline } from '../src/pipeline/signal-pipeline';
import { createLanes } from '../src/pipeline/timeframe-lane';
import { SAMPLE_FILES } from './candles';

// A database of its own: `signals` and `market` are fixed stream names.
const DB = 11;
const redisUrl = `${process.env.TEST_REDIS_URL as string}/${DB}`;

interface HealthBody {
  details: { feed: { state: string; status: string; connected: boolean } };
}

async function health(port: number): Promise<{ status: number; body: HealthBody }> {
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  return { status: res.status, body: (await res.json()) as HealthBody };
}

async function metric(port: number, line: RegExp): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const m = text.split('\n').find((l) => line.test(l));
  return m === undefined ? undefined : Number(m.split(' ').pop());
}

async function entries(redis: Redis, stream: string): Promise<[string, string[]][]> {
  return redis.xrange(stream, '-', '+');
}

describe('signal-generator service (real process, real Redis)', () => {
  let redis: Redis;
  let svc: ServiceProcess | undefined;

  beforeAll(() => {
    redis = new Redis(redisUrl);
  });
  beforeEach(async () => {
    await redis.flushdb();
  });
  afterEach(async () => {
    await svc?.kill();
    svc = undefined;
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('replays the sample at max speed: every signal the pipeline makes lands valid on `signals`, every candle on `market`', async () => {
    const port = await freePort();
    svc = startService('signal-generator', { REDIS_URL: redisUrl, PORT: String(port), REPLAY_SPEED: 'max', REPLAY_WARMUP_CANDLES: '0' });
    await waitFor(async () => (await health(port).catch(() => undefined))?.body?.details?.feed?.state === 'finished', { timeoutMs: 60_000, what: 'replay to finish' });

    const groups = (await redis.xinfo('GROUPS', STREAMS.signals)) as unknown[][];
    expect(groups.map((g) => g[1]).sort()).toEqual(['notifier']);
    // The closers read `market` by symbol shard, through no consumer group.
    expect(((await redis.xinfo('GROUPS', STREAMS.market)) as unknown[][]).map((g) => g[1])).toEqual([]);

    const market = (await entries(redis, STREAMS.market)).map(([id, f]) => decodeEntry(MarketEntrySchema, id, f));
    const candles = market.flatMap((e) => (e.kind === 'candle' ? [e] : []));
    expect(candles).toHaveLength(11_520);
    expect(candles[0]).toMatchObject({ symbol: 'BTCUSDT', open_time: 1746489600000, close: 94722.7 });

    const signalEntries = await entries(redis, STREAMS.signals);
    const published = signalEntries.map(([id, f]) => decodeEntry(SignalSchema, id, f));
    // `market` carries each signal, with its `signals` id, right after the candle it was made on.
    market.forEach((e, i) => {
      if (e.kind !== 'signal') return;
      const candle = market[i - 1];
      expect(candle?.kind === 'candle' && candle.symbol === e.signal.symbol && new Date(candle.open_time).toISOString() === e.signal.metadata.candle_time).toBe(true);
    });
    expect(market.flatMap((e) => (e.kind === 'signal' ? [[e.signal_id, e.signal]] : []))).toEqual(signalEntries.map(([id], i) => [id, published[i]]));
    // The same data through the same pipeline in this process: the service published exactly that.
    const cfg = loadConfig({});
    const pipeline = new SignalPipeline({ ...cfg.pipeline, clock: new MicrosClock() });
    const expected: string[] = [];
    await new ReplaySource({ files: SAMPLE_FILES.map((f) => describeKlineFile(f)) }).run((c) => {
      const s = pipeline.process(c).signal;
      if (s) expected.push(`${s.symbol} ${s.direction} ${s.entry_price} ${s.stop_loss} ${s.take_profit} ${s.metadata.candle_time as string}`);
    });
    expect(published.map((s) => `${s.symbol} ${s.direction} ${s.entry_price} ${s.stop_loss} ${s.take_profit} ${s.metadata.candle_time as string}`)).toEqual(expected);
    expect(published.length).toBeGreaterThan(100);
    for (const s of published) {
      expect(s.metadata.votes).toHaveLength(7);
      // A replayed decision must never pass for a live one at ATAS or in Telegram.
      expect(s.metadata.source).toBe('replay');
      // Publish time, not the 2025 candle time: the gateway's expiry works the same in replay.
      expect(Math.abs(parseTimestampMs(s.timestamp) - Date.now())).toBeLessThan(120_000);
    }
    expect(new Set(published.map((s) => s.timestamp)).size).toBe(published.length);

    expect(await metric(port, /^signal_generator_candles_total\{symbol="BTCUSDT"/)).toBe(5760);
    const buys = (await metric(port, /^signal_generator_signals_total\{symbol="ETHUSDT",direction="BUY",source="replay"/)) ?? 0;
    expect(buys).toBe(published.filter((s) => s.symbol === 'ETHUSDT' && s.direction === 'BUY').length);
    expect(await metric(port, /^signal_generator_candle_to_signal_seconds_count/)).toBe(published.length);
    // The same samples in Redis, where the gateway's /api/stats reads them (the last 1000).
    expect(Number(await redis.get(`${latencySamplesKey('candle_to_signal')}:count`))).toBe(published.length);
    expect(await redis.llen(latencySamplesKey('candle_to_signal'))).toBe(Math.min(1000, published.length));
    expect(await metric(port, /^signal_generator_votes_total\{strategy="ema_cross",direction="BUY"/)).toBeGreaterThan(0);
    expect((await health(port)).status).toBe(200);
  });

  it('SIGNAL_TIMEFRAMES=1m,5m: 5m signals decided on 5m bars, each right after the 1m candle that closes its bar; `market` keeps the 1m candles only', async () => {
    const port = await freePort();
    svc = startService('signal-generator', { REDIS_URL: redisUrl, PORT: String(port), REPLAY_SPEED: 'max', REPLAY_WARMUP_CANDLES: '0', SIGNAL_TIMEFRAMES: '1m,5m' });
    await waitFor(async () => (await health(port).catch(() => undefined))?.body?.details?.feed?.state === 'finished', { timeoutMs: 60_000, what: 'replay to finish' });

    const market = (await entries(redis, STREAMS.market)).map(([id, f]) => decodeEntry(MarketEntrySchema, id, f));
    const candles = market.flatMap((e) => (e.kind === 'candle' ? [e] : []));
    expect(candles).toHaveLength(11_520);
    expect(new Set(candles.map((c) => c.timeframe))).toEqual(new Set(['1m']));
    const fiveMinute = market.flatMap((e, i) => (e.kind === 'signal' && e.signal.timeframe === '5m' ? [{ signal: e.signal, i }] : []));
    expect(fiveMinute.length).toBeGreaterThan(10);
    for (const { signal, i } of fiveMinute) {
      // The bar opens on a 5-minute boundary; the 1m candle before the signal on `market` is its last minute.
      const barOpen = parseTimestampMs(signal.metadata.candle_time as string);
      expect(barOpen % 300_000).toBe(0);
      expect(signal.metadata.candle_close_time).toBe(new Date(barOpen + 300_000).toISOString());
      let k = i - 1;
      while (market[k].kind === 'signal') k--;
      const before = market[k];
      expect(before.kind === 'candle' && before.symbol === signal.symbol && before.open_time).toBe(barOpen + 240_000);
    }

    // The same lanes in this process: the service published exactly their signals, in order.
    const cfg = loadConfig({ SIGNAL_TIMEFRAMES: '1m,5m' });
    const lanes = createLanes(cfg.signalTimeframes, { ...cfg.pipeline, clock: new MicrosClock() });
    const expected: string[] = [];
    const line = (s: { timeframe: string; symbol: string; direction: string; entry_price: number; stop_loss: number; take_profit: number; metadata: { candle_time?: string } }) =>
      `${s.timeframe} ${s.symbol} ${s.direction} ${s.entry_price} ${s.stop_loss} ${s.take_profit} ${s.metadata.candle_time as string}`;
    await new ReplaySource({ files: SAMPLE_FILES.map((f) => describeKlineFile(f)) }).run((c) => {
      for (const lane of lanes) {
        const bar = lane.bar(c);
        const s = bar && lane.pipeline.process(bar).signal;
        if (s) expected.push(line(s));
      }
    });
    const published = (await entries(redis, STREAMS.signals)).map(([id, f]) => decodeEntry(SignalSchema, id, f));
    expect(published.map(line)).toEqual(expected);
    expect(await metric(port, /^signal_generator_signals_total\{.*timeframe="5m"/)).toBeGreaterThan(0);
  });

  it('ADAPTIVE_CONSENSUS=true: the service fuses with the same learned weights as the backtest’s pipeline, and each vote shows its weight', async () => {
    const port = await freePort();
    svc = startService('signal-generator', { REDIS_URL: redisUrl, PORT: String(port), REPLAY_SPEED: 'max', REPLAY_WARMUP_CANDLES: '0', ADAPTIVE_CONSENSUS: 'true' });
    await waitFor(async () => (await health(port).catch(() => undefined))?.body?.details?.feed?.state === 'finished', { timeoutMs: 60_000, what: 'replay to finish' });
    const published = (await entries(redis, STREAMS.signals)).map(([id, f]) => decodeEntry(SignalSchema, id, f));
    const cfg = loadConfig({ ADAPTIVE_CONSENSUS: 'true' });
    const pipeline = new SignalPipeline({ ...cfg.pipeline, clock: new MicrosClock() });
    const expected: unknown[] = [];
    await new ReplaySource({ files: SAMPLE_FILES.map((f) => describeKlineFile(f)) }).run((c) => {
      const s = pipeline.process(c).signal;
      if (s) expected.push([s.symbol, s.direction, s.entry_price, s.metadata.candle_time, s.metadata.votes!.map((v) => v.weight)]);
    });
    expect(published.length).toBeGreaterThan(50);
    expect(published.map((s) => [s.symbol, s.direction, s.entry_price, s.metadata.candle_time, s.metadata.votes!.map((v) => v.weight)])).toEqual(expected);
    expect(published.every((s) => s.metadata.votes!.every((v) => typeof v.weight === 'number'))).toBe(true);
  });

  it('at the default speed, the first signal is on the stream within a minute of start; SIGTERM stops it without error', async () => {
    const port = await freePort();
    const started = Date.now();
    svc = startService('signal-generator', { REDIS_URL: redisUrl, PORT: String(port) });
    const first = await waitFor(async () => (await entries(redis, STREAMS.signals))[0], { timeoutMs: 60_000, intervalMs: 200, what: 'a signal within a minute' });
    expect(Date.now() - started).toBeLessThan(60_000);
    SignalSchema.parse(decodeEntry(SignalSchema, first[0], first[1]));
    // Paced: only the warm-up (unpublished) went fast; about one candle per second per symbol since.
    const marketLen = await redis.xlen(STREAMS.market);
    expect(marketLen).toBeLessThan(2 * ((Date.now() - started) / 1000 + 5));
    const body = (await health(port)).body;
    expect(body.details.feed).toMatchObject({ status: 'up', state: 'running', connected: true });
    // Nest runs the shutdown hooks, then re-raises the signal: a clean stop ends 'by SIGTERM';
    // a hook that throws would exit 1 instead.
    expect(await svc.kill('SIGTERM')).toBe('SIGTERM');
  });

  it('skips and counts a bad replay row, naming file and line in the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-e2e-'));
    const file = join(dir, 'BTCUSDT-1m-bad.csv');
    writeFileSync(file, 'open_time_ms,open,high,low,close,volume\n1746489600000,1,2,0.5,1.5,1\n1746489660000,1,2,3,1.5,1\n1746489720000,1,2,0.5,1.5,1\n');
    const port = await freePort();
    svc = startService('signal-generator', { REDIS_URL: redisUrl, PORT: String(port), REPLAY_SPEED: 'max', REPLAY_FILES: file, SYMBOLS: 'BTCUSDT', REPLAY_WARMUP_CANDLES: '0' });
    await waitFor(async () => (await health(port).catch(() => undefined))?.body?.details?.feed?.state === 'finished', { timeoutMs: 20_000, what: 'replay to finish' });
    expect(await redis.xlen(STREAMS.market)).toBe(2);
    expect(await metric(port, /^signal_generator_replay_bad_rows_total/)).toBe(1);
    expect(svc.output()).toContain('BTCUSDT-1m-bad.csv');
    expect(svc.output()).toContain('low 3 is above high 2');
  });

  it.each([
    [{ REPLAY_SPEED: 'warp' }, /REPLAY_SPEED: 'warp' is not a replay speed/],
    [{ REPLAY_FILES: 'data/nope/BTCUSDT-1m-x.csv' }, /REPLAY_FILES: data\/nope\/BTCUSDT-1m-x.csv: no such file/],
    [{ SYMBOLS: 'SOLUSDT' }, /REPLAY_FILES: .*BTCUSDT, which is not in SYMBOLS/],
  ])('refuses to start on %j, naming the variable, without a stack trace, with the config exit code 2', async (env, message) => {
    svc = startService('signal-generator', { REDIS_URL: redisUrl, PORT: String(await freePort()), ...env });
    expect(await svc.exited).toBe(2);
    await svc.waitForOutput(message, 5000);
    expect(svc.output()).not.toMatch(/\n\s+at /);
  });
});
