import { MicrosClock, type Candle, type CloseReason, type PositionClosedEvent } from '@app/contracts';
import { DEFAULT_COSTS } from '@app/trading';
import { closePosition, evaluateCandle, openPosition, type OpenPosition } from '../../apps/position-closer/src/positions/position';
import { decideOnSignal } from '../../apps/position-closer/src/positions/signal-decision';
import { DEFAULT_MAX_HOLD_MS, runBacktest } from '../../apps/signal-generator/src/backtest/backtest.runner';
import type { ClosedTrade } from '../../apps/signal-generator/src/backtest/trade-book';
import { loadConfig } from '../../apps/signal-generator/src/config';
import { describeKlineFile } from '../../apps/signal-generator/src/market-data/replay/kline-file';
import { ReplaySource } from '../../apps/signal-generator/src/market-data/replay/replay.source';
import { SignalPipeline } from '../../apps/signal-generator/src/pipeline/signal-pipeline';
import { SAMPLE_FILES } from '../../apps/signal-generator/test/candles';

/**
 * The backtest must measure what the position-closer does. Both run over the bundled real sample
 * (data/, 4 days of BTCUSDT and ETHUSDT 1m futures): the backtest's fused row on one side; on the
 * other, the closer's own decision and position code (decideOnSignal, openPosition,
 * evaluateCandle, closePosition) fed the same pipeline's signals and the same candles in the
 * order the closer judges them (a candle, then the signal it produced). Every trade must match:
 * entry, exit reason, exit price, R before and after costs.
 *
 * The closer's max-hold close is a BullMQ job on the wall clock; here it is stood in for by the
 * market-time equivalent (the last price when the hold ends), the one part not the closer's code.
 */
describe('backtest and position-closer on the same real data', () => {
  const cfg = loadConfig({});
  const replay = () => new ReplaySource({ files: SAMPLE_FILES.map((f) => describeKlineFile(f)) });
  const pipelineOpts = () => ({ ...cfg.pipeline, clock: new MicrosClock(() => 0) });
  const key = (t: { symbol: string; direction: string; entry: number; enteredOn: number; reason: CloseReason; exitPrice: number; grossR: number; netR: number }) => ({
    ...t,
    grossR: round6(t.grossR),
    netR: round6(t.netR),
  });

  async function backtestTrades(): Promise<ReturnType<typeof key>[]> {
    const out: ClosedTrade[] = [];
    const fused = `fused (${cfg.pipeline.strategyName})`;
    await runBacktest(replay(), { ...pipelineOpts(), costs: DEFAULT_COSTS, maxHoldMs: DEFAULT_MAX_HOLD_MS, onClose: (t) => t.source === fused && out.push(t) });
    return out.map((t) => key({ symbol: t.symbol, direction: t.direction, entry: t.entry, enteredOn: t.enteredOn, reason: t.reason, exitPrice: t.exitPrice, grossR: t.result.grossR, netR: t.result.netR }));
  }

  async function closerTrades(): Promise<ReturnType<typeof key>[]> {
    const pipeline = new SignalPipeline(pipelineOpts());
    const open = new Map<string, OpenPosition>();
    const closed: PositionClosedEvent[] = [];
    let seq = 0;
    const close = (p: OpenPosition, reason: CloseReason, price: number, at: number) => {
      closed.push(closePosition(p, reason, price, new Date(at), DEFAULT_COSTS));
      open.delete(p.symbol);
    };
    await replay().run((c: Candle) => {
      const now = c.close_time + 1;
      const p = open.get(c.symbol);
      if (p) {
        const exit = evaluateCandle(p, c);
        if (exit) close(p, exit.reason, exit.price, now);
        else if (now >= Date.parse(p.opened_at) + DEFAULT_MAX_HOLD_MS) close(p, 'max_hold', c.close, now);
      }
      const signal = pipeline.process(c).signal;
      if (!signal) return;
      const id = `${now}-${seq++}`;
      const current = open.get(c.symbol) ?? null;
      const decision = decideOnSignal(id, signal.direction, current);
      if (decision.action === 'ignore' || decision.action === 'duplicate') return;
      if (decision.action === 'reverse') close(current!, 'opposite_signal', signal.entry_price, now);
      open.set(c.symbol, openPosition(id, signal, { kind: 'notional', notional: 1000 }, new Date(now)));
    });
    return closed.map((e) => key({ symbol: e.symbol, direction: e.direction, entry: e.entry_price, enteredOn: e.market_time_ms!, reason: e.reason, exitPrice: e.exit_price, grossR: e.r_multiple, netR: e.net_r_multiple! }));
  }

  it('gives every trade the same exit, exit price and R, before and after costs', async () => {
    const [bt, closer] = [await backtestTrades(), await closerTrades()];
    expect(bt.length).toBeGreaterThan(200);
    expect(bt).toEqual(closer);
    // The sample exercises every rule the two share, not only clean touches.
    const reasons = new Set(bt.map((t) => t.reason));
    expect([...reasons].sort()).toEqual(['max_hold', 'opposite_signal', 'stop_loss', 'take_profit']);
    expect(bt.every((t) => t.netR < t.grossR)).toBe(true);
  });
});

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
