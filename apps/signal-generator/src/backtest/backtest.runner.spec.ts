import { MicrosClock } from '@app/contracts';
import { SAMPLE_FILES } from '../../test/candles';
import { loadConfig } from '../config';
import { describeKlineFile } from '../market-data/replay/kline-file';
import { ReplaySource } from '../market-data/replay/replay.source';
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
});
