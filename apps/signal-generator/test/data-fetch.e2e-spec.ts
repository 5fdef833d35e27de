import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Candle } from '@app/contracts';
import { runTsScript, waitFor } from '@app/testing';
import { readKlineFile } from '../src/market-data/replay/kline-csv.reader';
import { describeKlineFile } from '../src/market-data/replay/kline-file';
import { REPO_ROOT } from './candles';
import { ArchiveServer, startArchiveServer } from './fixtures/binance-vision/archive.server';

const FUTURES = '/data/futures/um/monthly/klines';
const AVAX_FEB = `${FUTURES}/AVAXUSDT/1m/AVAXUSDT-1m-2025-02.zip`;
const AVAX_FIXTURE = join(REPO_ROOT, 'apps', 'signal-generator', 'test', 'fixtures', 'AVAXUSDT-1m-2025-02-01.csv');

/** Runs a package script's entry as a real process; async, so the in-process server keeps serving. */
const run = (script: string, args: string[]) => runTsScript(script, args, { BINANCE_DATA_URL: undefined, MIN_STRATEGIES_AGREE: undefined });

async function readAll(path: string): Promise<Candle[]> {
  const out: Candle[] = [];
  for await (const c of readKlineFile(describeKlineFile(path))) out.push(c);
  return out;
}

describe('npm run data:fetch against a local data.binance.vision', () => {
  let server: ArchiveServer;
  let out: string;
  const fetchData = (args: string) =>
    run('apps/signal-generator/src/market-data/download/data-fetch.cli.ts', [...args.split(' '), '--base-url', server.baseUrl, '--out', out]);

  beforeAll(async () => {
    server = await startArchiveServer();
    out = mkdtempSync(join(tmpdir(), 'data-fetch-'));
  });

  afterAll(async () => {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('fetches what exists, resumes a cut download, refuses a bad checksum and names a 404, then exits 1', async () => {
    const part = join(out, 'archives', `${AVAX_FEB.slice('/data/'.length)}.part`);
    server.cutNext(AVAX_FEB, 16_384, () => waitFor(() => existsSync(part) && statSync(part).size === 16_384, { what: 'the first 16 KiB on disk' }));
    const r = await fetchData('--symbols AVAXUSDT,LINKUSDT --from 2025-01 --to 2025-03');

    expect(r.code).toBe(1);
    const csv = (name: string) => join(out, 'futures-um', `${name}.csv`);
    expect(r.stdout).toContain(`AVAXUSDT-1m-2025-02: downloaded 48.5 KiB, resumed at 16.0 KiB, checksum ok, 1440 candles -> ${csv('AVAXUSDT-1m-2025-02')}\n`);
    expect(r.stdout).toContain(`AVAXUSDT-1m-2025-03: downloaded 1.3 KiB, checksum ok, 30 candles -> ${csv('AVAXUSDT-1m-2025-03')}\n`);
    expect(r.stdout).toContain(
      'LINKUSDT-1m-2025-02: FAILED: checksum mismatch: LINKUSDT-1m-2025-02.zip hashes to 376612a5ad02b8c7c518a92e7f7849bb424921c6ab95c13e9af3f461a4bc99db, ' +
        'the published sha256 is 376612a5ad02b8c7c518a92e7f7849bb424921c6ab95c13e9af3f461a4bc99dc; the file was deleted\n',
    );
    expect(r.stdout).toContain(`AVAXUSDT-1m-2025-01: not on the server (404 ${server.baseUrl}${FUTURES}/AVAXUSDT/1m/AVAXUSDT-1m-2025-01.zip); the symbol may not have traded then, or the file is not published yet\n`);
    expect(r.stdout).toContain('archives: 2 downloaded, 0 already there, 3 not on the server, 1 failed\n');
    expect(r.stderr).toMatch(/^AVAXUSDT-1m-2025-02: retry 1\/5 after: .+\n/m);
    expect(r.stderr).toContain('data:fetch: 1 of 6 archives failed (see above); run again to retry them\n');

    // The cut download went on from where it stopped, not from byte 0.
    const febGets = server.requests.filter((q) => q.path === AVAX_FEB);
    expect(febGets.map((q) => [q.range, q.status])).toEqual([[undefined, 200], ['bytes=16384-', 206]]);
    // Nothing of the refused archive is kept.
    expect(readdirSync(join(out, 'archives', 'futures', 'um', 'monthly', 'klines', 'LINKUSDT', '1m'))).toEqual([]);
    expect(existsSync(csv('LINKUSDT-1m-2025-02'))).toBe(false);
  });

  it('writes CSVs the replay reads: the archive rows, every field', async () => {
    const feb = await readAll(join(out, 'futures-um', 'AVAXUSDT-1m-2025-02.csv'));
    expect(feb).toHaveLength(1440);
    // The repo's AVAX fixture holds the first 300 rows of the same real month.
    expect(feb.slice(0, 300)).toEqual(await readAll(AVAX_FIXTURE));
    expect(feb[1439].open_time).toBe(Date.UTC(2025, 1, 1, 23, 59));
  });

  it('feeds the backtest CLI', async () => {
    const r = await run('apps/signal-generator/src/backtest/backtest.cli.ts', [
      join(out, 'futures-um', 'AVAXUSDT-1m-2025-02.csv'),
      join(out, 'futures-um', 'AVAXUSDT-1m-2025-03.csv'),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\| fused \(ConsensusScalping\) +\| +\d+ \|/m);
  });

  it('on a re-run skips every verified archive without a single request', async () => {
    server.requests.length = 0;
    const r = await fetchData('--symbols AVAXUSDT --from 2025-02 --to 2025-03');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`AVAXUSDT-1m-2025-02: already downloaded and verified -> ${join(out, 'futures-um', 'AVAXUSDT-1m-2025-02.csv')}\n`);
    expect(r.stdout).toContain('archives: 0 downloaded, 2 already there, 0 not on the server, 0 failed\n');
    expect(server.requests).toEqual([]);
  });

  it('re-running the whole command asks again only for what it does not have', async () => {
    server.requests.length = 0;
    const r = await fetchData('--symbols AVAXUSDT,LINKUSDT --from 2025-01 --to 2025-03');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('archives: 0 downloaded, 2 already there, 3 not on the server, 1 failed\n');
    expect(server.requests.map((q) => q.path).filter((p) => p.includes('AVAXUSDT-1m-2025-02') || p.includes('AVAXUSDT-1m-2025-03'))).toEqual([]);
  });

  it('downloads again an archive damaged on disk since it was verified', async () => {
    const zip = join(out, 'archives', 'futures', 'um', 'monthly', 'klines', 'AVAXUSDT', '1m', 'AVAXUSDT-1m-2025-03.zip');
    appendFileSync(zip, 'x');
    rmSync(join(out, 'futures-um', 'AVAXUSDT-1m-2025-03.csv'));
    server.requests.length = 0;
    const r = await fetchData('--symbols AVAXUSDT --from 2025-02 --to 2025-03');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('archives: 1 downloaded, 1 already there, 0 not on the server, 0 failed\n');
    expect(server.requests.map((q) => q.path)).toEqual([`${FUTURES}/AVAXUSDT/1m/AVAXUSDT-1m-2025-03.zip.CHECKSUM`, `${FUTURES}/AVAXUSDT/1m/AVAXUSDT-1m-2025-03.zip`]);
    expect(await readAll(join(out, 'futures-um', 'AVAXUSDT-1m-2025-03.csv'))).toHaveLength(30);
  });

  it('reads spot archives (no header, microsecond timestamps) into millisecond candles', async () => {
    const r = await fetchData('--market spot --symbols BTCUSDT --from 2025-01');
    expect(r.code).toBe(0);
    const candles = await readAll(join(out, 'spot', 'BTCUSDT-1m-2025-01.csv'));
    expect(candles).toHaveLength(300);
    expect(candles[0]).toMatchObject({ symbol: 'BTCUSDT', open_time: Date.UTC(2025, 0, 1, 3, 0), close_time: Date.UTC(2025, 0, 1, 3, 0) + 59_999, open: 94098.9, close: 94049.47 });
  });

  it('names a usage error and exits 2 without a request', async () => {
    server.requests.length = 0;
    const r = await fetchData('--symbols BTCUSDT --from 2025-06 --to 2025-01');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^data:fetch: --from 2025-06 is after --to 2025-01\n/);
    expect(server.requests).toEqual([]);
  });
});
