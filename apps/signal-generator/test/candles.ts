import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Candle } from '@app/contracts';

export const REPO_ROOT = join(__dirname, '..', '..', '..');
export const SAMPLE_FILES = ['BTCUSDT', 'ETHUSDT'].map((s) => join(REPO_ROOT, 'data', `${s}-1m-2025-05-06.csv`));

/** The shipped 4-day sample of one symbol, read synchronously (tests only). */
export function sampleCandles(symbol: 'BTCUSDT' | 'ETHUSDT'): Candle[] {
  const lines = readFileSync(join(REPO_ROOT, 'data', `${symbol}-1m-2025-05-06.csv`), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [t, open, high, low, close, volume] = l.split(',').map(Number);
    return { symbol, timeframe: '1m', open_time: t, close_time: t + 59_999, open, high, low, close, volume };
  });
}

/** Hand-made 1m candles from closes: open = previous close, high/low just outside the body. */
export function candlesFromCloses(closes: number[], opts: { symbol?: string; start?: number; volume?: number } = {}): Candle[] {
  const start = opts.start ?? Date.UTC(2025, 4, 6, 0, 0);
  return closes.map((close, i) => {
    const open = i === 0 ? close : closes[i - 1];
    return {
      symbol: opts.symbol ?? 'TESTUSDT',
      timeframe: '1m',
      open_time: start + i * 60_000,
      close_time: start + i * 60_000 + 59_999,
      open,
      high: Math.max(open, close) + 0.05,
      low: Math.min(open, close) - 0.05,
      close,
      volume: opts.volume ?? 10,
    };
  });
}

/** `n` closes oscillating gently around `level`: a quiet market no strategy should care about. */
export function flat(n: number, level = 100): number[] {
  return Array.from({ length: n }, (_, i) => level + (i % 2 === 0 ? 0.1 : -0.1));
}
