/**
 * The indicator ceiling (issue 15, item 4): the trading-signals Faster* indicators the strategies
 * use, against one alternative maintained library, @ixjb94/indicators (a TypeScript port of Tulip
 * Indicators), on the same indicators, the same real candles, in the same run. For each indicator
 * it also prints how far the alternative's values are from trading-signals'.
 *
 * @ixjb94/indicators only computes whole arrays (no incremental update), so it is timed in its best
 * case: one batch call per indicator over ready-made column arrays. A live pipeline would have to
 * recompute over history on every candle. It has no session (daily) VWAP, only a rolling one.
 *
 * The third row is the pipeline's own incremental indicators (apps/signal-generator/src/indicators)
 * in the same loop as the Faster* baseline; their agreement with trading-signals is held by
 * indicators.spec.ts.
 *
 * Run: npm run bench:indicators   (env: BENCH_SECONDS per case, default 2)
 */
import { IndicatorsSync } from '@ixjb94/indicators';
import type { Candle } from '@app/contracts';
import {
  FasterATR,
  FasterBollingerBands,
  FasterEMA,
  FasterMACD,
  FasterRSI,
  FasterSMA,
  FasterStochasticOscillator,
} from 'trading-signals';
import { fastIndicatorLoop } from './support/fast-loop';
import { fasterIndicatorLoop } from './support/faster-loop';
import { rate, sampleCandles } from './support/sample';
import { reportRows } from './support/results';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ta = new IndicatorsSync();

interface Columns {
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
}

function columns(candles: readonly Candle[]): Columns[] {
  const bySymbol = new Map<string, Columns>();
  for (const c of candles) {
    let k = bySymbol.get(c.symbol);
    if (k === undefined) bySymbol.set(c.symbol, (k = { open: [], high: [], low: [], close: [], volume: [] }));
    k.open.push(c.open);
    k.high.push(c.high);
    k.low.push(c.low);
    k.close.push(c.close);
    k.volume.push(c.volume);
  }
  return [...bySymbol.values()];
}

function ixjbBatch(cols: readonly Columns[]): number {
  let sink = 0;
  for (const k of cols) {
    sink += ta.ema(k.close, 9).length + ta.ema(k.close, 21).length + ta.rsi(k.close, 14).length;
    sink += ta.bbands(k.close, 20, 2)[0].length + ta.macd(k.close, 12, 26, 9)[2].length;
    sink += ta.vwap(k.high, k.low, k.close, k.volume, 1440).length;
    sink += ta.stoch(k.high, k.low, k.close, 14, 3, 3)[0].length + ta.sma(k.volume, 20).length;
    sink += ta.atr(k.high, k.low, k.close, 14).length;
  }
  return sink;
}

/** trading-signals' values per candle (null while warming up), one series per indicator. */
function referenceSeries(k: Columns): Record<string, (number | null)[]> {
  const e9 = new FasterEMA(9);
  const e21 = new FasterEMA(21);
  const rsi = new FasterRSI(14);
  const bb = new FasterBollingerBands(20, 2);
  const macd = new FasterMACD(new FasterEMA(12), new FasterEMA(26), new FasterEMA(9));
  const st = new FasterStochasticOscillator(14, 3, 3);
  const vol = new FasterSMA(20);
  const atr = new FasterATR(14);
  const out: Record<string, (number | null)[]> = { 'EMA 9': [], 'EMA 21': [], 'RSI 14': [], 'BB 20/2 upper': [], 'MACD histogram': [], 'stochastic %K': [], 'stochastic %D': [], 'SMA 20 (volume)': [], 'ATR 14': [] };
  for (let i = 0; i < k.close.length; i++) {
    const c = { high: k.high[i], low: k.low[i], close: k.close[i] };
    e9.add(c.close);
    e21.add(c.close);
    out['EMA 9'].push(e9.isStable ? e9.getResult() : null);
    out['EMA 21'].push(e21.isStable ? e21.getResult() : null);
    out['RSI 14'].push(rsi.add(c.close));
    out['BB 20/2 upper'].push(bb.add(c.close)?.upper ?? null);
    out['MACD histogram'].push(macd.add(c.close)?.histogram ?? null);
    const s = st.add(c);
    out['stochastic %K'].push(s?.stochK ?? null);
    out['stochastic %D'].push(s?.stochD ?? null);
    out['SMA 20 (volume)'].push(vol.add(k.volume[i]));
    out['ATR 14'].push(atr.add(c));
  }
  return out;
}

function alternativeSeries(k: Columns): Record<string, number[]> {
  const st = ta.stoch(k.high, k.low, k.close, 14, 3, 3);
  return {
    'EMA 9': ta.ema(k.close, 9),
    'EMA 21': ta.ema(k.close, 21),
    'RSI 14': ta.rsi(k.close, 14),
    'BB 20/2 upper': ta.bbands(k.close, 20, 2)[2],
    'MACD histogram': ta.macd(k.close, 12, 26, 9)[2],
    'stochastic %K': st[0],
    'stochastic %D': st[1],
    'SMA 20 (volume)': ta.sma(k.volume, 20),
    'ATR 14': ta.atr(k.high, k.low, k.close, 14),
  };
}

/** Largest difference, relative to max(1, |reference|), over the candles where both have a value (aligned at the end). */
function maxDiff(ref: (number | null)[], alt: number[]): { diff: number; compared: number } {
  let diff = 0;
  let compared = 0;
  for (let j = 0; j < alt.length; j++) {
    const r = ref[ref.length - alt.length + j];
    if (r === null || r === undefined) continue;
    compared++;
    diff = Math.max(diff, Math.abs(alt[j] - r) / Math.max(1, Math.abs(r)));
  }
  return { diff, compared };
}

async function main(): Promise<void> {
  const candles = sampleCandles();
  const cols = columns(candles);
  process.stdout.write(`indicator ceiling: ${candles.length} real 1m candles (BTCUSDT, ETHUSDT), EMA 9/21, RSI 14, BB 20/2, MACD 12/26/9, VWAP, stochastic 14/3/3, volume SMA 20, ATR 14; median over ${SECONDS} s per case, node ${process.version}\n\n`);
  const base = await rate(() => fasterIndicatorLoop(candles), candles.length, SECONDS);
  const alt = await rate(() => ixjbBatch(cols), candles.length, SECONDS);
  const own = await rate(() => fastIndicatorLoop(candles), candles.length, SECONDS);
  process.stdout.write(`| case | candles/s | vs trading-signals loop |\n|---|---:|---:|\n`);
  process.stdout.write(`| trading-signals Faster* loop (baseline) | ${fmt(base)} | 1.00x |\n`);
  process.stdout.write(`| @ixjb94/indicators, one batch call per indicator | ${fmt(alt)} | ${(alt / base).toFixed(2)}x |\n`);
  process.stdout.write(`| the pipeline's incremental indicators (indicators/), same loop | ${fmt(own)} | ${(own / base).toFixed(2)}x |\n\n`);
  const baseline = { name: 'trading-signals Faster* loop', value: base };
  reportRows(
    [
      { bench: 'indicators', measure: "the pipeline's incremental indicators candles/s", value: own, unit: 'candles/s', better: 'higher', baseline },
      { bench: 'indicators', measure: '@ixjb94/indicators batch candles/s', value: alt, unit: 'candles/s', better: 'higher', baseline, note: 'whole arrays, no incremental update' },
    ],
    { print: false },
  );
  process.stdout.write(`| indicator | values compared | max difference from trading-signals (relative) | within 1e-9 |\n|---|---:|---:|---|\n`);
  const refs = cols.map(referenceSeries);
  const alts = cols.map(alternativeSeries);
  for (const name of Object.keys(refs[0])) {
    const d = refs.map((r, i) => maxDiff(r[name], alts[i][name]));
    const diff = Math.max(...d.map((x) => x.diff));
    const n = d.reduce((a, x) => a + x.compared, 0);
    process.stdout.write(`| ${name} | ${n} | ${diff.toExponential(2)} | ${diff <= 1e-9 ? 'yes' : 'no'} |\n`);
  }
  process.stdout.write(`| session VWAP | 0 | not offered (rolling-window VWAP only) | no |\n`);
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
