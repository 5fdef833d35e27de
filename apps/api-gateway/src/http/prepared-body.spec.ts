import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { negotiateCoding, PerSecondBody, PreparedBody } from './prepared-body';

describe('negotiateCoding', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['identity', undefined],
    ['deflate', undefined],
    ['gzip', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=0, br;q=0', undefined],
    ['*', 'br'],
  ])('%p -> %p', (header, coding) => {
    expect(negotiateCoding(header)).toBe(coding);
  });
});

describe('PreparedBody', () => {
  const json = JSON.stringify({ status: 'success', signals: Array.from({ length: 50 }, (_, i) => ({ i, symbol: `S${i}USDT` })) });

  it('compresses once per coding, and each form decompresses to the same bytes', async () => {
    const body = PreparedBody.of(json);
    expect(body.compressible).toBe(true);
    expect(body.compressed('gzip')).toBe(body.compressed('gzip'));
    expect(gunzipSync(await body.compressed('gzip')).toString()).toBe(json);
    expect(brotliDecompressSync(await body.compressed('br')).toString()).toBe(json);
    expect((await body.compressed('br')).length).toBeLessThan(body.bytes.length / 4);
  });

  it('leaves a small body uncompressed', () => {
    expect(PreparedBody.of('{"status":"success","signal":null}').compressible).toBe(false);
  });
});

describe('PerSecondBody', () => {
  const t0 = Date.UTC(2026, 10, 24, 0, 42, 13, 100);
  const build = (now: Date) => `{"timestamp":"${now.toISOString()}"}`;

  it('keeps one body per source within a second, built with that second', () => {
    const cache = new PerSecondBody();
    const source = {};
    const a = cache.get(source, t0, build);
    expect(cache.get(source, t0 + 899, build)).toBe(a);
    expect(a.bytes.toString()).toBe('{"timestamp":"2026-11-24T00:42:13.000Z"}');
  });

  it('rebuilds when the second turns', () => {
    const cache = new PerSecondBody();
    const source = {};
    const a = cache.get(source, t0, build);
    const b = cache.get(source, t0 + 900, build);
    expect(b).not.toBe(a);
    expect(b.bytes.toString()).toBe('{"timestamp":"2026-11-24T00:42:14.000Z"}');
  });

  it('rebuilds when the source changes within the second', () => {
    const cache = new PerSecondBody();
    const a = cache.get({}, t0, build);
    expect(cache.get({}, t0 + 1, build)).not.toBe(a);
  });
});
