import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Candle } from '@app/contracts';
import { describeKlineFile } from '../../apps/signal-generator/src/market-data/replay/kline-file';

/** The bundled real sample (data/): 2 symbols × 5,760 1m candles. */
export const SAMPLE_FILES = ['BTCUSDT', 'ETHUSDT'].map((s) => describeKlineFile(join(__dirname, '..', '..', 'data', `${s}-1m-2025-05-06.csv`)));

/** The sample's candles in time order (BTC and ETH interleaved), read outside any timing. */
export function sampleCandles(): Candle[] {
  const perFile = SAMPLE_FILES.map((f) =>
    readFileSync(f.path, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l): Candle => {
        const [t, open, high, low, close, volume] = l.split(',').map(Number);
        return { symbol: f.symbol, timeframe: '1m', open_time: t, close_time: t + 59_999, open, high, low, close, volume };
      }),
  );
  const out: Candle[] = [];
  for (let i = 0; i < perFile[0].length; i++) for (const rows of perFile) out.push(rows[i]);
  return out;
}

/** Median candles/s of repeated passes over `seconds` (after a JIT warm-up). */
export async function rate(pass: () => unknown, perPass: number, seconds: number): Promise<number> {
  for (let i = 0; i < 3; i++) await pass();
  const rates: number[] = [];
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until || rates.length < 3) {
    const t = performance.now();
    await pass();
    rates.push(perPass / ((performance.now() - t) / 1000));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}
