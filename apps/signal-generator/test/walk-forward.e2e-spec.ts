import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './candles';
import { ArchiveServer, startArchiveServer } from './fixtures/binance-vision/archive.server';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run -s <script> -- args` from the repository root, as a user types it; async, so the in-process server keeps serving. */
function npmRun(script: string, args: string[]): Promise<Run> {
  const proc = spawn('npm', ['run', '-s', script, '--', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, BINANCE_DATA_URL: undefined, MIN_STRATEGIES_AGREE: undefined, SIGNAL_TIMEFRAMES: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, stdout, stderr })));
}

/**
 * The research chain on a clean checkout: download real archives (from a local data.binance.vision
 * serving real files), then walk forward over them in worker threads. One day of AVAXUSDT 1m
 * candles is enough for 12 h training and 4 h test windows.
 */
describe('npm run data:fetch, then npm run backtest -- --walk-forward', () => {
  let server: ArchiveServer;
  let out: string;

  beforeAll(async () => {
    server = await startArchiveServer();
    out = mkdtempSync(join(tmpdir(), 'walk-forward-'));
  });

  afterAll(async () => {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('downloads, then reports the test windows stitched, tuned beside the defaults, net beside gross; the same seed gives the same bytes with 1 or 2 workers', async () => {
    const fetched = await npmRun('data:fetch', ['--symbols', 'AVAXUSDT', '--from', '2025-02', '--to', '2025-02', '--base-url', server.baseUrl, '--out', out]);
    expect(fetched.stderr).toBe('');
    expect(fetched.code).toBe(0);
    const csv = join(out, 'futures-um', 'AVAXUSDT-1m-2025-02.csv');
    expect(fetched.stdout).toContain(`1440 candles -> ${csv}`);

    const walk = (workers: number, seed = 5) => npmRun('backtest', ['--walk-forward', '--train', '12h', '--test', '4h', '--trials', '3', '--min-trades', '5', '--seed', String(seed), '--workers', String(workers), csv]);
    const two = await walk(2);
    expect(two.code).toBe(0);
    expect(two.stderr).toMatch(/^walk-forward: 87 backtest runs in \d+\.\d s on 2 worker thread\(s\)\n$/);
    const report = two.stdout;
    expect(report).toContain('walk-forward: train 12h, test 4h, windows stepping by the test length; seed 5;');
    expect(report).toContain('candles: 1440 (AVAXUSDT), 2025-02-01 00:00 to 2025-02-01 23:59 UTC; timeframes 1m; 3 windows with data, 87 backtest runs');
    // Every source, tuned and default (the fused signal with the fixed and the adaptive
    // consensus), with trades, net and gross figures.
    const rows = [
      ...['ema_cross', 'volume_spike'].flatMap((source) => ['tuned', 'default'].map((settings) => [source, settings])),
      ...['tuned, fixed', 'tuned, adaptive', 'default, fixed', 'default, adaptive'].map((settings) => ['fused \\(ConsensusScalping\\)', settings]),
    ];
    for (const [source, settings] of rows) {
      expect(report).toMatch(new RegExp(`^\\| ${source} +\\| ${settings} +\\| +\\d+ \\| +[\\d.]+% \\| +-?[\\d.]+ \\| +-?[\\d.]+ \\|`, 'm'));
    }
    expect(report).toMatch(/^Adaptive against fixed consensus, fused signal, same windows: tuned: avg net R .+; default: avg net R .+\.$/m);
    expect(report).toMatch(/^Edge after costs out of sample \(net profit factor above 1 over the stitched test windows\): .+\.$/m);
    // The three test windows of the day, each traded four ways.
    expect(report.match(/^\| [123] +\| 2025-02-01 to 2025-02-0[12] \| (tuned|default), (fixed|adaptive) /gm)).toHaveLength(12);
    expect(report).toMatch(/^- #3, trained 2025-02-01 to 2025-02-01: consensus \d votes, confidence \d+; ema_cross emaFast=\d+ emaSlow=\d+ emaHoldCandles=\d+;/m);

    const one = await walk(1);
    expect(one.code).toBe(0);
    expect(one.stderr).toMatch(/on 1 worker thread\(s\)\n$/);
    expect(one.stdout).toBe(two.stdout);
    const otherSeed = await walk(2, 6);
    expect(otherSeed.stdout).not.toBe(two.stdout);
  }, 240_000);

  it('names a bad flag, with exit code 1', async () => {
    const r = await npmRun('backtest', ['--walk-forward', '--train', 'two weeks', 'data/BTCUSDT-1m-2025-05-06.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("backtest: --train: 'two weeks' is not a duration like 14d, 12h or 90m\n");
  });
});
