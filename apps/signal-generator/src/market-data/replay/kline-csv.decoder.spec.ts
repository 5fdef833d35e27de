import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Candle } from '@app/contracts';
import { KlineCsvDecoder } from './kline-csv.decoder';
import { columnsFromHeader, columnsFromWidth, isHeader, KlineColumns, parseKlineRow } from './kline-csv.parser';

const ROOT = join(__dirname, '..', '..', '..', '..', '..');
const BTC = readFileSync(join(ROOT, 'data', 'BTCUSDT-1m-2025-05-06.csv'));
const ETH = readFileSync(join(ROOT, 'data', 'ETHUSDT-1m-2025-05-06.csv'));
const AVAX = readFileSync(join(ROOT, 'apps', 'signal-generator', 'test', 'fixtures', 'AVAXUSDT-1m-2025-02-01.csv'));
/** The data.binance.vision layout: no header, 12 columns (the `ignore` column last). */
const AVAX_12 = Buffer.from(AVAX.toString('utf8').trim().split('\n').slice(1).map((r) => `${r},0`).join('\n') + '\n');
const ctx = { symbol: 'TESTUSDT', timeframe: '1m', timeframeMs: 60_000 };

type Row = { candle: Candle } | { line: number; problem: string; fatal: boolean };

function decode(bytes: Buffer, chunkSizes: number[] = [bytes.length]): Row[] {
  const rows: Row[] = [];
  const d = new KlineCsvDecoder(ctx, { candle: (candle) => rows.push({ candle }), bad: (line, problem, fatal) => rows.push({ line, problem, fatal }) });
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = chunkSizes[i % chunkSizes.length];
    d.write(bytes.subarray(at, at + n));
    at += n;
  }
  d.end();
  return rows;
}

/** What the line-by-line parser (a string per line, split, Number) makes of the same text. */
function reference(text: string): Row[] {
  const rows: Row[] = [];
  let cols: KlineColumns | undefined;
  let last = -Infinity;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    try {
      if (cols === undefined) {
        if (isHeader(line)) return void (cols = columnsFromHeader(line));
        cols = columnsFromWidth(line.split(',').length);
      }
      const candle = parseKlineRow(line, cols, ctx);
      if (candle.open_time <= last) throw new Error(`open_time ${candle.open_time} is not after the previous row's ${last}`);
      last = candle.open_time;
      rows.push({ candle });
    } catch (err) {
      rows.push({ line: i + 1, problem: (err as Error).message, fatal: cols === undefined });
    }
  });
  return rows;
}

describe('KlineCsvDecoder', () => {
  it.each([
    ['BTC, 6 columns with a header', BTC],
    ['ETH, 6 columns with a header', ETH],
    ['AVAX, 11 Binance columns with a header', AVAX],
    ['AVAX, 12 Binance columns without a header', AVAX_12],
  ])('reads %s exactly as the line-by-line parser does', (_, bytes) => {
    const got = decode(bytes);
    expect(got.length).toBeGreaterThan(250);
    expect(got).toEqual(reference(bytes.toString('utf8')));
  });

  it('gives the same rows whatever the chunk boundaries (lines cut anywhere, CRLF cut between CR and LF)', () => {
    const crlf = Buffer.from(AVAX.toString('utf8').replace(/\n/g, '\r\n'));
    const whole = decode(crlf);
    expect(decode(crlf, [1, 7, 64, 3, 1000, 2])).toEqual(whole);
    expect(whole).toEqual(decode(AVAX));
  });

  it('reads unusual but valid numbers as Number() does, and a last line without a newline', () => {
    const text = [
      'open_time_ms,open,high,low,close,volume',
      '1746489600000, 94696.7 ,94728.5,94696.7,94722.7,60.624', // spaces
      '1746489660000,9.47227e4,94746,94689.7,94692.9,1.58892E2', // exponents
      '1746489720000,0094692.90,94700,94600,94650.123456789,0', // leading and trailing zeros, zero volume
      '1746489780000000,94650,94700,94600,94650,.5', // a microsecond time, a bare fraction
      '1746489840000,94650,94700,94600,94650,12345678901234567890', // more digits than a double holds
      '1746489900000,94650,94700,94600,94650.,1', // a trailing dot
    ].join('\n');
    const got = decode(Buffer.from(text));
    expect(got).toEqual(reference(text));
    expect(got.map((r) => ('candle' in r ? r.candle.open : r))).toEqual([94696.7, 94722.7, 94692.9, 94650, 94650, 94650]);
  });

  it('names every bad row as the line-by-line parser does, and keeps reading after it', () => {
    const text = [
      'open_time_ms,open,high,low,close,volume',
      '1746489600000,94696.7,94728.5,94696.7,94722.7,60.624',
      '1746489660000,abc,94746,94689.7,94692.9,158.892',
      '1746489720000,94692.9,94746',
      '1746489780000,94692.9,94600,94700,94650,1',
      '1746489840000,-1,94700,94600,94650,1',
      '1746489900000,94650,94700,94600,94650,-1',
      '1746489960000,94650,94700,94600,94650,',
      '1746489600000,94650,94700,94600,94650,1',
      '1746490020000.5,94650,94700,94600,94650,1',
      '1746490080000,94650,94700,94600,94650,1',
    ].join('\n');
    const got = decode(Buffer.from(text), [13]);
    expect(got).toEqual(reference(text));
    expect(got.filter((r) => 'problem' in r).map((r) => 'line' in r && r.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('reports an unusable header or layout as fatal', () => {
    expect(decode(Buffer.from('open_time_ms,high,low,close,volume\n1,2,3,4,5\n'))[0]).toMatchObject({ line: 1, fatal: true, problem: expect.stringMatching(/header has no 'open' column/) });
    expect(decode(Buffer.from('1,2,3,4,5\n'))[0]).toMatchObject({ line: 1, fatal: true, problem: expect.stringMatching(/got 5/) });
  });
});
