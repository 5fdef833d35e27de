import { MicrosClock } from '@app/contracts';
import { DEFAULT_COSTS } from '@app/trading';
import { sampleCandles } from '../../../test/candles';
import { loadConfig } from '../../config';
import { CandleSeries } from '../../market-data/replay/candle-series';
import { runBacktest } from '../backtest.runner';
import { runWindow, runsPerWindow, type WalkForwardSettings, type WindowTask } from './window-task';
import type { WalkForwardWindow } from './windows';

const DAY = 86_400_000;
const cfg = loadConfig({});
const { strategies, strategyParams, risk, consensus, cooldownMs, strategyName } = cfg.pipeline;
const settings: WalkForwardSettings = {
  pipeline: { strategies, strategyParams, risk, consensus, cooldownMs, strategyName },
  adaptive: { halfLifeTrades: 20, sensitivity: 2 },
  tickSizes: {},
  costs: DEFAULT_COSTS,
  maxHoldMs: 3_600_000,
  seed: 7,
  trials: 4,
  minTrades: 20,
};
const start = Date.UTC(2025, 4, 6);
const window: WalkForwardWindow = { index: 1, trainFrom: start, testFrom: start + 2 * DAY, testUntil: start + 3 * DAY };
const candles = [...sampleCandles('BTCUSDT'), ...sampleCandles('ETHUSDT')].sort((a, b) => a.open_time - b.open_time || a.symbol.localeCompare(b.symbol));
const series = CandleSeries.of(candles);
const task = (s: Partial<WalkForwardSettings> = {}): WindowTask => ({ window, timeframe: '1m', timeframeIndex: 0, settings: { ...settings, ...s } });

describe('runWindow', () => {
  it('chooses on the training window alone: other test-window data changes nothing it chose', async () => {
    const full = await runWindow(series, task(), () => undefined);
    // The same history up to the test window, then a different market (prices doubled).
    const altered = CandleSeries.of(candles.map((c) => (c.open_time >= window.testFrom ? { ...c, open: c.open * 2, high: c.high * 2, low: c.low * 2, close: c.close * 2 } : c)));
    const other = await runWindow(altered, task(), () => undefined);
    expect(other.tuned).toEqual(full.tuned);
    expect(other.variants).not.toEqual(full.variants);
    // Tuning did something: at least one strategy left its defaults.
    expect(full.tuned.strategyParams).not.toEqual(strategyParams);
  }, 120_000);

  it('gives the same result for the same seed, and counts its runs for the progress bar', async () => {
    let runs = 0;
    const a = await runWindow(series, task(), () => runs++);
    const b = await runWindow(series, task(), () => undefined);
    expect(b).toEqual(a);
    expect(runs).toBe(runsPerWindow(settings));
    expect(a.runs).toBe(runs);
    const c = await runWindow(series, task({ seed: 8 }), () => undefined);
    expect(c.tuned.strategyParams).not.toEqual(a.tuned.strategyParams);
  }, 120_000);

  it('trades the defaults on the test window exactly as a plain backtest of that window would', async () => {
    const r = await runWindow(series, task({ trials: 0 }), () => undefined);
    expect(r.tuned.strategyParams).toEqual(strategyParams); // no draws: the defaults are the only candidate
    const fused = `fused (${strategyName})`;
    const net: number[] = [];
    await runBacktest(series.source(window.trainFrom, window.testUntil + settings.maxHoldMs), {
      ...cfg.pipeline,
      source: 'backtest',
      clock: new MicrosClock(() => 0),
      tradeFrom: window.testFrom,
      tradeUntil: window.testUntil,
      onClose: (t) => t.source === fused && net.push(t.result.netR),
    });
    const defaults = r.variants.find((v) => v.name === 'default')!.sources.find((s) => s.source === fused)!;
    expect(net.length).toBeGreaterThan(20);
    expect(defaults.net).toEqual(net);
  }, 120_000);
});
