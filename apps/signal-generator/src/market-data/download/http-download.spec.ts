import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArchiveServer, startArchiveServer } from '../../../test/fixtures/binance-vision/archive.server';
import { downloadResumable, HttpStatusError, isTransient } from './http-download';

const PATH = '/data/futures/um/monthly/klines/AVAXUSDT/1m/AVAXUSDT-1m-2025-02.zip';
const FILE = readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'binance-vision', PATH));

describe('downloadResumable (real HTTP, local server)', () => {
  let server: ArchiveServer;
  let dir: string;
  let part: string;

  beforeAll(async () => {
    server = await startArchiveServer();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.honourRange = true;
    dir = mkdtempSync(join(tmpdir(), 'dl-'));
    part = join(dir, 'a.zip.part');
  });

  it('downloads the whole file when there is no part', async () => {
    const progress: number[] = [];
    const r = await downloadResumable(server.baseUrl + PATH, part, { onProgress: (n, total) => progress.push(total ?? -1, n) });
    expect(r).toEqual({ resumedFrom: 0, bytes: FILE.length });
    expect(readFileSync(part).equals(FILE)).toBe(true);
    expect(progress.at(-1)).toBe(FILE.length);
    expect(progress[0]).toBe(FILE.length);
  });

  it('resumes a part left by an earlier run with a Range request', async () => {
    writeFileSync(part, FILE.subarray(0, 10_000));
    const r = await downloadResumable(server.baseUrl + PATH, part);
    expect(r).toEqual({ resumedFrom: 10_000, bytes: FILE.length });
    expect(readFileSync(part).equals(FILE)).toBe(true);
    expect(server.requests).toEqual([{ path: PATH, range: 'bytes=10000-', status: 206 }]);
  });

  it('rewrites the part from the start when the server ignores the Range', async () => {
    server.honourRange = false;
    writeFileSync(part, FILE.subarray(0, 10_000));
    const r = await downloadResumable(server.baseUrl + PATH, part);
    expect(r).toEqual({ resumedFrom: 0, bytes: FILE.length });
    expect(readFileSync(part).equals(FILE)).toBe(true);
  });

  it('deletes a part the server cannot resume (416) so the next attempt starts clean', async () => {
    writeFileSync(part, Buffer.concat([FILE, Buffer.from('junk')]));
    await expect(downloadResumable(server.baseUrl + PATH, part)).rejects.toThrow(`the server would not resume ${server.baseUrl}${PATH} at byte ${FILE.length + 4}; starting over`);
    expect(existsSync(part)).toBe(false);
    await downloadResumable(server.baseUrl + PATH, part);
    expect(readFileSync(part).equals(FILE)).toBe(true);
  });

  it('gives up on a response that stalls, keeping what arrived', async () => {
    let release: () => void = () => undefined;
    server.cutNext(PATH, 4096, () => new Promise<void>((r) => (release = r)));
    await expect(downloadResumable(server.baseUrl + PATH, part, { idleTimeoutMs: 1000 })).rejects.toThrow(`no data for 1 s from ${server.baseUrl}${PATH}`);
    release();
    // What arrived before the stall stays for the next attempt to resume (all of it, unless the
    // machine was too slow to deliver the first bytes within the timeout).
    const kept = readFileSync(part);
    expect(kept.length).toBeLessThanOrEqual(4096);
    expect(kept.equals(FILE.subarray(0, kept.length))).toBe(true);
  });

  it('reports a missing archive as a 404 that is not worth retrying', async () => {
    const err = await downloadResumable(`${server.baseUrl}/data/spot/monthly/klines/X/1m/X-1m-2020-01.zip`, part).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect((err as HttpStatusError).status).toBe(404);
    expect(isTransient(err)).toBe(false);
  });
});

describe('isTransient', () => {
  it('retries the network, 5xx, 408 and 429, not other 4xx or a full disk', () => {
    expect(isTransient(new TypeError('fetch failed'))).toBe(true);
    expect(isTransient(new HttpStatusError('u', 503))).toBe(true);
    expect(isTransient(new HttpStatusError('u', 429))).toBe(true);
    expect(isTransient(new HttpStatusError('u', 403))).toBe(false);
    expect(isTransient(Object.assign(new Error('no space'), { code: 'ENOSPC' }))).toBe(false);
  });
});
