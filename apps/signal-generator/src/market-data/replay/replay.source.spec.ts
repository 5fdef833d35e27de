import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Candle } from '@app/contracts';
import { describeKlineFile } from './kline-file';
import { parseReplaySpeed } from './replay-speed';
import { ReplaySource, ReplaySourceOptions } from './replay.source';
import type { Scheduler } from './scheduler';

const dir = mkdtempSync(join(tmpdir(), 'replay-'));
const T0 = 1746489600000;

function file(name: string, opens: number[]): string {
  const p = join(dir, name);
  writeFileSync(p, 'open_time_ms,open,high,low,close,volume\n' + opens.map((t, i) => `${t},${100 + i},${101 + i},${99 + i},${100.5 + i},1`).join('\n') + '\n');
  return p;
}

/** A clock that only moves when the replay sleeps: pacing is observable without waiting. */
class FakeScheduler implements Scheduler {
  t = 1_000_000;
  sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
  }
}

async function play(opts: Omit<Partial<ReplaySourceOptions>, 'files'> & { files: string[] }) {
  const scheduler = (opts.scheduler as FakeScheduler | undefined) ?? new FakeScheduler();
  const src = new ReplaySource({ ...opts, files: opts.files.map((f) => describeKlineFile(f)), scheduler });
  const got: { c: Candle; at: number }[] = [];
  await src.run((c) => {
    got.push({ c, at: scheduler.now() });
  });
  return { got, scheduler, src };
}

const minutes = (n: number, from = T0) => Array.from({ length: n }, (_, i) => from + i * 60_000);

describe('ReplaySource', () => {
  const btc = file('BTCUSDT-1m-a.csv', minutes(4));
  const eth = file('ETHUSDT-1m-a.csv', minutes(3, T0 + 60_000));

  it('merges files in open-time order, symbols in a fixed order at equal times', async () => {
    const { got } = await play({ files: [eth, btc] });
    expect(got.map(({ c }) => `${c.symbol}@${(c.open_time - T0) / 60_000}`)).toEqual([
      'BTCUSDT@0', 'BTCUSDT@1', 'ETHUSDT@1', 'BTCUSDT@2', 'ETHUSDT@2', 'BTCUSDT@3', 'ETHUSDT@3',
    ]);
  });

  it('at x1 delivers a 1m candle every 60 s of the injected clock, simultaneous closes together', async () => {
    const { got, scheduler } = await play({ files: [btc, eth], speed: 1 });
    const start = got[0].at;
    expect(got.map(({ at }) => (at - start) / 1000)).toEqual([0, 60, 60, 120, 120, 180, 180]);
    expect(scheduler.sleeps).toEqual([60_000, 60_000, 60_000]);
  });

  it('at x60 a 1m candle every second; at max never sleeps', async () => {
    const x60 = await play({ files: [btc], speed: parseReplaySpeed('x60') });
    expect(x60.scheduler.sleeps).toEqual([1000, 1000, 1000]);
    const max = await play({ files: [btc, eth], speed: parseReplaySpeed('max') });
    expect(max.scheduler.sleeps).toEqual([]);
    expect(max.got).toHaveLength(7);
  });

  it('does not drift: time spent by the consumer is taken off the next wait', async () => {
    const scheduler = new FakeScheduler();
    const src = new ReplaySource({ files: [describeKlineFile(btc)], speed: 1, scheduler });
    await src.run(() => {
      scheduler.t += 15_000; // a slow consumer
    });
    expect(scheduler.sleeps).toEqual([45_000, 45_000, 45_000]);
  });

  it('delivers the warm-up candles of each symbol unpaced, then paces', async () => {
    const { scheduler, got } = await play({ files: [btc, eth], speed: 1, warmupCandles: 2 });
    // BTC@0, BTC@1, ETH@1, ETH@2 are warm-up; pacing starts at BTC@2.
    expect(got.slice(0, 5).every(({ at }) => at === got[0].at)).toBe(true);
    expect(scheduler.sleeps).toEqual([60_000]);
  });

  it('after resumeAfter, delivers every candle up to the checkpoint unpaced, then paces from the next', async () => {
    const scheduler = new FakeScheduler();
    const src = new ReplaySource({ files: [describeKlineFile(btc)], speed: 1, scheduler });
    src.resumeAfter(new Map([['BTCUSDT', T0 + 60_000]]));
    const got: number[] = [];
    await src.run(() => {
      got.push(scheduler.now());
    });
    // BTC@0 and @1 were published before a restart: no waiting for them; @2 anchors the pacing again.
    expect(got).toHaveLength(4);
    expect(got.slice(0, 3).every((at) => at === got[0])).toBe(true);
    expect(scheduler.sleeps).toEqual([60_000]);
  });

  it('does not wait out a long hole in the data', async () => {
    const gap = file('BTCUSDT-1m-gap.csv', [T0, T0 + 60_000, T0 + 90 * 86_400_000]);
    const { scheduler } = await play({ files: [gap], speed: 1 });
    expect(scheduler.sleeps).toEqual([60_000]);
  });

  it('reports connected while running, the delivery time of the last candle, and stops on stop()', async () => {
    const scheduler = new FakeScheduler();
    const src = new ReplaySource({ files: [describeKlineFile(btc)], speed: 1, scheduler });
    expect(src.connected).toBe(false);
    expect(src.lastCandleAt).toBeUndefined();
    const seen: number[] = [];
    await src.run(async (c) => {
      expect(src.connected).toBe(true);
      seen.push(c.open_time);
      if (seen.length === 2) await src.stop();
    });
    expect(seen).toHaveLength(2);
    expect(src.connected).toBe(false);
    expect(src.lastCandleAt).toBe(scheduler.t);
  });

  it('stop() ends a real-time wait at once', async () => {
    const src = new ReplaySource({ files: [describeKlineFile(btc)], speed: 1 });
    let n = 0;
    const started = Date.now();
    const run = src.run(() => {
      if (++n === 1) setImmediate(() => void src.stop());
    });
    await run;
    expect(n).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('rejects a bad speed and an empty file list', () => {
    expect(() => parseReplaySpeed('fast')).toThrow(/'fast' is not a replay speed/);
    expect(() => parseReplaySpeed('x0')).toThrow(/not a replay speed/);
    expect(() => new ReplaySource({ files: [] })).toThrow(/at least one CSV file/);
  });
});
