import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Candle } from '@app/contracts';
import { CandleSchema } from '@app/contracts';
import { CsvRowError } from './csv-row-error';
import { readKlineFile, ReadKlinesOptions } from './kline-csv.reader';
import { describeKlineFile } from './kline-file';

const ROOT = join(__dirname, '..', '..', '..', '..', '..');
const BTC = join(ROOT, 'data', 'BTCUSDT-1m-2025-05-06.csv');
const AVAX = join(ROOT, 'apps', 'signal-generator', 'test', 'fixtures', 'AVAXUSDT-1m-2025-02-01.csv');
const dir = mkdtempSync(join(tmpdir(), 'klines-'));

async function readAll(path: string, opts?: ReadKlinesOptions): Promise<Candle[]> {
  const out: Candle[] = [];
  for await (const c of readKlineFile(describeKlineFile(path), opts)) out.push(c);
  return out;
}

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('readKlineFile', () => {
  it('reads the 6-column sample: every row, in order, valid, symbol and 1m close time from the name', async () => {
    const candles = await readAll(BTC);
    expect(candles).toHaveLength(5760);
    expect(candles[0]).toEqual({
      symbol: 'BTCUSDT', timeframe: '1m', open_time: 1746489600000, close_time: 1746489659999,
      open: 94696.7, high: 94728.5, low: 94696.7, close: 94722.7, volume: 60.624,
    });
    for (let i = 1; i < candles.length; i++) expect(candles[i].open_time - candles[i - 1].open_time).toBe(60_000);
    for (const c of candles) CandleSchema.parse(c);
  });

  it('reads Binance 11-column klines by header, keeping taker volume, trades and close time', async () => {
    const candles = await readAll(AVAX);
    expect(candles).toHaveLength(300);
    expect(candles[0]).toEqual({
      symbol: 'AVAXUSDT', timeframe: '1m', open_time: 1738368000000, close_time: 1738368059999,
      open: 34.422, high: 34.426, low: 34.36, close: 34.36, volume: 9896,
      quote_volume: 340376.094, trades: 1391, taker_buy_volume: 3538,
    });
  });

  it('reads the data.binance.vision 12-column layout without a header (ignore column present)', async () => {
    const rows = readFileSync(AVAX, 'utf8').trim().split('\n').slice(1, 6).map((r) => `${r},0`);
    const candles = await readAll(write('AVAXUSDT-1m-2025-02.csv', rows.join('\r\n') + '\r\n'));
    expect(candles.map((c) => c.close)).toEqual([34.36, 34.318, 34.295, 34.244, 34.292]);
    expect(candles[4].taker_buy_volume).toBeGreaterThan(0);
  });

  it('reads microsecond timestamps (data.binance.vision spot files since 2025) as milliseconds', async () => {
    const p = write('BTCUSDT-1m-2025-01-01.csv', '1735689600000000,1,2,0.5,1.5,10,1735689659999999,15,3,4,6,0\n');
    const [c] = await readAll(p);
    expect(c.open_time).toBe(1735689600000);
    expect(c.close_time).toBe(1735689659999);
  });

  it.each([
    ['a price that is not a number', '1746489600000,abc,2,0.5,1.5,10', /open 'abc' is not a number/],
    ['high below low', '1746489600000,1,0.4,0.5,0.45,10', /low 0.5 is above high 0.4/],
    ['close outside the range', '1746489600000,1,2,0.5,2.5,10', /between low and high/],
    ['negative volume', '1746489600000,1,2,0.5,1.5,-1', /volume -1 is negative/],
    ['a short row', '1746489600000,1,2,0.5', /missing column 'close'/],
  ])('fails on %s, naming file and line', async (_what, row, message) => {
    const p = write('ETHUSDT-1m-bad.csv', `open_time_ms,open,high,low,close,volume\n1746489540000,1,1,1,1,1\n${row}\n`);
    const err = await readAll(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CsvRowError);
    expect((err as CsvRowError).message).toMatch(new RegExp(`ETHUSDT-1m-bad.csv:3: `));
    expect((err as CsvRowError).message).toMatch(message);
  });

  it('fails on a row that goes back in time', async () => {
    const p = write('ETHUSDT-1m-order.csv', '1746489600000,1,1,1,1,1\n1746489540000,1,1,1,1,1\n');
    await expect(readAll(p)).rejects.toThrow(/ETHUSDT-1m-order.csv:2: open_time 1746489540000 is not after the previous row's 1746489600000/);
  });

  it('in skip mode drops bad rows, reports each, and keeps the good ones', async () => {
    const p = write('ETHUSDT-1m-skip.csv', 'open_time_ms,open,high,low,close,volume\n1746489540000,1,1,1,1,1\nnope,1,1,1,1,1\n1746489600000,1,2,0.5,1.5,10\n1746489660000,1,2,3,1.5,10\n');
    const bad: CsvRowError[] = [];
    const candles = await readAll(p, { badRows: 'skip', onBadRow: (e) => bad.push(e) });
    expect(candles.map((c) => c.open_time)).toEqual([1746489540000, 1746489600000]);
    expect(bad.map((e) => e.line)).toEqual([3, 5]);
  });

  it('never skips past an unusable header or layout', async () => {
    const p = write('ETHUSDT-1m-hdr.csv', 'time,o,h,l,c,v\n1746489540000,1,1,1,1,1\n');
    await expect(readAll(p, { badRows: 'skip' })).rejects.toThrow(/ETHUSDT-1m-hdr.csv:1: header has no 'open' column/);
    const q = write('ETHUSDT-1m-width.csv', '1746489540000,1,1,1,1\n');
    await expect(readAll(q, { badRows: 'skip' })).rejects.toThrow(/expected 6 columns .* got 5/);
  });

  it('names a missing file', async () => {
    await expect(readAll(join(dir, 'BTCUSDT-1m-missing.csv'))).rejects.toThrow(/BTCUSDT-1m-missing.csv: no such file/);
  });
});

describe('describeKlineFile', () => {
  it('takes symbol and timeframe from a Binance-style name, or from the override', () => {
    expect(describeKlineFile('/x/ethusdt-5m-2024.csv')).toMatchObject({ symbol: 'ETHUSDT', timeframe: '5m' });
    expect(describeKlineFile('/x/prices.csv', { symbol: 'SOLUSDT', defaultTimeframe: '1m' })).toMatchObject({ symbol: 'SOLUSDT', timeframe: '1m' });
    expect(() => describeKlineFile('/x/prices.csv')).toThrow(/cannot tell the symbol/);
  });
});
