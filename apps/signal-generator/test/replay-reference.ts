import { MicrosClock, type Candle } from '@app/contracts';
import { loadConfig } from '../src/config';
import { describeKlineFile } from '../src/market-data/replay/kline-file';
import { ReplaySource } from '../src/market-data/replay/replay.source';
import { SignalPipeline } from '../src/pipeline/signal-pipeline';
import { SAMPLE_FILES } from './candles';

type Keyed = { symbol: string; direction: string; entry_price: number; stop_loss: number; take_profit: number; metadata: Record<string, unknown> };

/** A signal's decision without its id and timestamp: equal for the same candle whoever published it. */
export const signalKey = (s: Keyed) => `${s.symbol} ${s.direction} ${s.entry_price} ${s.stop_loss} ${s.take_profit} ${s.metadata.candle_time as string}`;

/**
 * The sample files through the same pipeline in this process, never interrupted, with the
 * service's default settings: the signal keys one generator running alone would publish, in order.
 */
export async function independentReplay(warmup: number): Promise<string[]> {
  const pipeline = new SignalPipeline({ ...loadConfig({}).pipeline, clock: new MicrosClock() });
  const seen = new Map<string, number>();
  const expected: string[] = [];
  await new ReplaySource({ files: SAMPLE_FILES.map((f) => describeKlineFile(f)) }).run((c: Candle) => {
    const n = (seen.get(c.symbol) ?? 0) + 1;
    seen.set(c.symbol, n);
    const s = pipeline.process(c).signal;
    if (s && n > warmup) expected.push(signalKey(s));
  });
  return expected;
}

/** Signal keys grouped by symbol (the key's first word), each group in the order given. */
export function bySymbol(keys: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k of keys) (out[k.split(' ')[0]] ??= []).push(k);
  return out;
}
