import { TradeStats, type CostModel } from '@app/trading';
import { isoMinute, markdownTable, num, pct } from '../markdown-table';
import { describeParams } from './param-space';
import type { WalkForwardResult } from './walk-forward.runner';
import type { SourceTrades, VariantName } from './window-task';

/** One source's trades over several test windows, stitched in time order. */
interface Stitched {
  trades: number;
  signals: number;
  net: TradeStats;
  gross: TradeStats;
}

function stitch(parts: readonly SourceTrades[]): Stitched {
  const out: Stitched = { trades: 0, signals: 0, net: new TradeStats(), gross: new TradeStats() };
  for (const p of parts) {
    out.signals += p.signals;
    out.trades += p.net.length;
    for (const r of p.net) out.net.add(r);
    for (const r of p.gross) out.gross.add(r);
  }
  return out;
}

const days = (ms: number): string => (ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : `${ms / 3_600_000}h`);
const day = (t: number): string => isoMinute(t).slice(0, 10);

/** How each variant is named in the fused rows; the strategies' own trades do not depend on the consensus. */
const FUSED_LABEL: Record<VariantName, string> = { tuned: 'tuned, fixed', 'tuned adaptive': 'tuned, adaptive', default: 'default, fixed', 'default adaptive': 'default, adaptive' };
const STRATEGY_VARIANTS: readonly VariantName[] = ['tuned', 'default'];
const FUSED_VARIANTS: readonly VariantName[] = ['tuned', 'tuned adaptive', 'default', 'default adaptive'];

/** Net and gross figures of one stitched series, as table cells. */
function figures(s: Stitched): string[] {
  return [
    String(s.trades),
    pct(s.net.winRate),
    num(s.net.average, 3),
    num(s.gross.average, 3),
    num(s.net.total, 2),
    num(s.gross.total, 2),
    num(s.net.profitFactor, 2),
    num(s.gross.profitFactor, 2),
    num(s.net.maxDrawdown, 2),
  ];
}

const FIGURES_HEAD = ['trades', 'win rate net', 'avg R net', 'gross', 'total R net', 'gross', 'PF net', 'gross', 'max DD net (R)'];

/**
 * The walk-forward as Markdown: only test-window (out-of-sample) trades, stitched across windows,
 * tuned beside the defaults on the same windows, net of costs beside gross; then each window,
 * then what each training window chose. Equal input prints equal text (no clock, no thread count).
 */
export function formatWalkForward(r: WalkForwardResult, costs: CostModel): string {
  const s = r.settings;
  const fused = `fused (${s.pipeline.strategyName})`;
  const many = r.timeframes.length > 1;
  const label = (source: string, tf: string): string => (many ? `${source} ${tf}` : source);
  const out: string[] = [
    `walk-forward: train ${days(r.trainMs)}, test ${days(r.testMs)}, windows stepping by the test length; seed ${s.seed}; per window ${s.trials} random parameter draws and the defaults, then the consensus grid; score: average net R on the training window with at least ${s.minTrades} closed trades`,
    `candles: ${r.candles} (${r.symbols.join(', ')}), ${isoMinute(r.firstOpenTime)} to ${isoMinute(r.lastOpenTime)} UTC; timeframes ${r.timeframes.join(', ')}; ${new Set(r.windows.map((w) => w.window.index)).size} windows with data, ${r.runs} backtest runs`,
    `costs: taker ${costs.takerFeeBps} bps, maker ${costs.makerFeeBps} bps (take-profit), slippage ${costs.slippageTicks} tick(s) per market or stop fill; max hold ${s.maxHoldMs / 60_000} min`,
    `consensus: fixed (every vote weighs 1) and adaptive (each strategy's weight follows its recent net R on the symbol: half-life ${s.adaptive.halfLifeTrades} trades, sensitivity ${s.adaptive.sensitivity})`,
    '',
    '### Out of sample: every test window stitched',
    '',
  ];
  const totals: string[][] = [];
  const edges: string[] = [];
  const adaptiveVsFixed: string[] = [];
  for (const tf of r.timeframes) {
    const windows = r.windows.filter((w) => w.timeframe === tf);
    const stitched = (source: string, variant: VariantName): Stitched =>
      stitch(windows.flatMap((w) => w.variants.find((v) => v.name === variant)?.sources.filter((x) => x.source === source) ?? []));
    for (const source of [...s.pipeline.strategies, fused]) {
      const isFused = source === fused;
      for (const variant of isFused ? FUSED_VARIANTS : STRATEGY_VARIANTS) {
        const st = stitched(source, variant);
        const settings = isFused ? FUSED_LABEL[variant] : variant;
        totals.push([label(source, tf), settings, ...figures(st)]);
        if ((st.net.profitFactor ?? 0) > 1 && (st.net.average ?? 0) > 0) edges.push(`${label(source, tf)} (${settings}): net PF ${num(st.net.profitFactor, 2)}, ${st.trades} trades`);
      }
    }
    for (const base of ['tuned', 'default'] as const) {
      const fixed = stitched(fused, base);
      const adaptive = stitched(fused, `${base} adaptive`);
      const better = (adaptive.net.average ?? -Infinity) > (fixed.net.average ?? -Infinity);
      adaptiveVsFixed.push(
        `${label(base, tf)}: avg net R ${num(fixed.net.average, 3)} fixed, ${num(adaptive.net.average, 3)} adaptive; net PF ${num(fixed.net.profitFactor, 2)} vs ${num(adaptive.net.profitFactor, 2)}; ${fixed.trades} vs ${adaptive.trades} trades (adaptive ${better ? 'better' : 'not better'})`,
      );
    }
  }
  out.push(...markdownTable(['source', 'settings', ...FIGURES_HEAD], totals, 2), '');
  out.push(`Edge after costs out of sample (net profit factor above 1 over the stitched test windows): ${edges.length ? edges.join('; ') : 'none'}.`, '');
  out.push(`Adaptive against fixed consensus, fused signal, same windows: ${adaptiveVsFixed.join('; ')}.`, '');

  out.push(`### Each test window, ${fused}`, '');
  const perWindow: string[][] = [];
  for (const w of r.windows) {
    for (const name of FUSED_VARIANTS) {
      const v = w.variants.find((x) => x.name === name);
      const st = stitch(v?.sources.filter((x) => x.source === fused) ?? []);
      perWindow.push([String(w.window.index), `${day(w.window.testFrom)} to ${day(w.window.testUntil)}`, ...(many ? [w.timeframe] : []), FUSED_LABEL[name], ...figures(st)]);
    }
  }
  out.push(...markdownTable(['#', 'test window (UTC)', ...(many ? ['timeframe'] : []), 'settings', ...FIGURES_HEAD], perWindow, many ? 4 : 3), '');

  out.push('### Chosen on each training window', '');
  for (const w of r.windows) {
    const t = w.tuned;
    const params = s.pipeline.strategies.map((name) => `${name} ${describeParams(name, t.strategyParams)}`).join('; ');
    const kept = t.untuned.length ? ` (defaults kept, too few trades: ${t.untuned.join(', ')})` : '';
    out.push(
      `- #${w.window.index}${many ? ` ${w.timeframe}` : ''}, trained ${day(w.window.trainFrom)} to ${day(w.window.testFrom)}: consensus ${t.consensus.minStrategiesAgree} votes, confidence ${t.consensus.minConfidence}; ${params}${kept}`,
    );
  }
  out.push(
    '',
    'Only trades entered inside a test window count; the settings used there were chosen on the training window before it, never on the test data. ' +
      'default = the configured settings, untouched. Trades are scored as the position-closer trades (one position per symbol and source, the shared exit rule, max hold); ' +
      'R = multiples of the planned risk; net = after fees and slippage.',
  );
  return out.join('\n');
}
