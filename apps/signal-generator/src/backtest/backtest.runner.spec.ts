import { MicrosClock } from '@app/contracts';
import { SAMPLE_FILES } from '../../test/candles';
import { loadConfig } from '../config';
import { describeKlineFile } from '../market-data/replay/kline-file';
import { ReplaySource } from '../market-data/replay/replay.source';
import type { Candle } from '@app/contracts';
import { SignalPipeline } from '../pipeline/signal-pipeline';
import { formatReport } from './backtest-report';
import { runBacktest } from './backtest.runner';

const cfg = loadConfig({});
const opts = () => ({ ...cfg.pipeline, clock: new MicrosClock(() => 0) });
const replay = () => new ReplaySource({ files: SAMPLE_FILES.map((f) => describeKlineFile(f)) });

describe('runBacktest on the sample', () => {
  it('scores exactly the signals the service pipeline emits, and prints the same report twice', async () => {
    const a = await runBacktest(replay(), opts());
    const b = await runBacktest(replay(), opts());
    expect(formatReport(a)).toBe(formatReport(b));

    const pipeline = new SignalPipeline(opts());
    let emitted = 0;
    await replay().run((c) => {
      if (pipeline.process(c).signal) emitted++;
    });
    const fused = a.rows[a.rows.length - 1];
    expect(fused.source).toBe('fused (ConsensusScalping)');
    expect(fused.stats.signals).toBe(emitted);
    // One position per symbol, as the closer: a signal closes, stays open, or was ignored.
    expect(fused.stats.gross.trades + fused.stats.unresolved + fused.stats.ignored).toBe(emitted);
    expect(a.rows.map((r) => r.source).slice(0, -1)).toEqual(cfg.pipeline.strategies);
    expect(a.candles).toBe(11_520);
    expect(formatReport(a)).toMatch(/^candles: 11520 \(BTCUSDT, ETHUSDT\), 2025-05-06 00:00 to 2025-05-09 23:59 UTC/);
  });

  it('with several timeframes: rows per timeframe, the 1m rows unchanged, 5m decided on 5m bars, and every fused signal in one book', async () => {
    const single = await runBacktest(replay(), opts());
    const multi = await runBacktest(replay(), { ...opts(), timeframes: ['1m', '5m'] });
    const names = multi.rows.map((r) => r.source);
    expect(names).toEqual([...cfg.pipeline.strategies.map((s) => `${s} 1m`), 'fused (ConsensusScalping) 1m', ...cfg.pipeline.strategies.map((s) => `${s} 5m`), 'fused (ConsensusScalping) 5m', 'fused (ConsensusScalping) 1m+5m']);
    // The 1m lane is the single-timeframe backtest, row for row.
    expect(multi.rows.slice(0, 8).map((r) => r.stats)).toEqual(single.rows.map((r) => r.stats));

    // 5m bars made the plain way (groups of five 1m candles), fed to a pipeline: the same signals.
    const pipeline = new SignalPipeline(opts());
    const groups = new Map<string, Candle[]>();
    let fiveMinuteSignals = 0;
    await replay().run((c) => {
      const g = [...(groups.get(c.symbol) ?? []), c];
      if (g.length < 5) return void groups.set(c.symbol, g);
      groups.set(c.symbol, []);
      const bar: Candle = { ...g[0], timeframe: '5m', close_time: g[4].close_time, high: Math.max(...g.map((x) => x.high)), low: Math.min(...g.map((x) => x.low)), close: g[4].close, volume: g.reduce((a, x) => a + x.volume, 0) };
      if (pipeline.process(bar).signal) fiveMinuteSignals++;
    });
    const row = (name: string) => multi.rows.find((r) => r.source === name)!.stats;
    expect(fiveMinuteSignals).toBeGreaterThan(10);
    expect(row('fused (ConsensusScalping) 5m').signals).toBe(fiveMinuteSignals);
    const combined = row('fused (ConsensusScalping) 1m+5m');
    expect(combined.signals).toBe(row('fused (ConsensusScalping) 1m').signals + fiveMinuteSignals);
    // One position per symbol across timeframes: the combined book ignores more than either alone.
    expect(combined.ignored).toBeGreaterThan(row('fused (ConsensusScalping) 1m').ignored);
  });

  it('books only the decisions of candles inside [tradeFrom, tradeUntil); the candles before only warm the pipeline', async () => {
    const from = Date.UTC(2025, 4, 8);
    const until = Date.UTC(2025, 4, 9);
    const entered: number[] = [];
    const r = await runBacktest(replay(), { ...opts(), tradeFrom: from, tradeUntil: until, onClose: (t) => entered.push(t.enteredOn) });
    expect(entered.length).toBeGreaterThan(50);
    expect(entered.every((t) => t >= from && t < until)).toBe(true);
    expect(r.candles).toBe(11_520);
  });
});
