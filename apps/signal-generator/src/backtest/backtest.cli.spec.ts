import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, SAMPLE_FILES } from '../../test/candles';

const cli = (args: string[]) =>
  spawnSync(process.execPath, ['-r', '@swc-node/register', 'apps/signal-generator/src/backtest/backtest.cli.ts', ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, MIN_STRATEGIES_AGREE: undefined } });

describe('backtest CLI', () => {
  it('prints a row per strategy and the fused signal, with no progress bar when stderr is not a terminal', () => {
    const r = cli(SAMPLE_FILES);
    expect(r.status).toBe(0);
    for (const name of ['ema_cross', 'rsi_extreme', 'bollinger_reentry', 'macd_turn', 'vwap_deviation', 'stochastic_cross', 'volume_spike', 'fused (ConsensusScalping)']) {
      expect(r.stdout).toMatch(new RegExp(`^\\| ${name.replace(/[()]/g, '\\$&')} +\\| +\\d+ \\|`, 'm'));
    }
    expect(r.stderr).toBe('');
  });

  it('names a bad row (file and line) without a stack trace, and can skip it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bt-'));
    const f = join(dir, 'BTCUSDT-1m-bad.csv');
    writeFileSync(f, 'open_time_ms,open,high,low,close,volume\n1746489600000,1,2,0.5,1.5,1\n1746489660000,1,2,3,1.5,1\n');
    const r = cli([f]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`backtest: ${f}:3: low 3 is above high 2\n`);
    const s = cli(['--skip-bad-rows', f]);
    expect(s.status).toBe(0);
    expect(s.stdout).toContain('bad rows skipped: 1');
  });

  it('prints net of costs beside gross; zero costs make them equal; a bad cost flag is named', () => {
    const row = (out: string) => out.split('\n').find((l) => l.startsWith('| fused'))!.split('|').slice(1).map((c) => c.trim());
    const withCosts = cli(['--fee-bps', '5', '--maker-fee-bps', '2', '--slippage-ticks', '1', ...SAMPLE_FILES]);
    expect(withCosts.stdout).toContain('costs: taker 5 bps (market entry, stop and early exits), maker 2 bps (take-profit limit), slippage 1 tick(s)');
    // columns: source, signals, ignored, closed, open, win rate net, gross, avg R net, gross, total R net, gross, PF net, gross, ...
    const [, , , , , , , avgNet, avgGross, , , pfNet, pfGross] = row(withCosts.stdout);
    expect(Number(avgNet)).toBeLessThan(Number(avgGross));
    expect(Number(pfNet)).toBeLessThan(Number(pfGross));
    const free = row(cli(['--fee-bps', '0', '--maker-fee-bps', '0', '--slippage-ticks', '0', ...SAMPLE_FILES]).stdout);
    expect([free[7], free[11]]).toEqual([free[8], free[12]]);
    expect(free[8]).toBe(avgGross); // gross does not depend on the costs
    const bad = cli(['--slippage-ticks=-1', SAMPLE_FILES[0]]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe("backtest: --slippage-ticks: '-1' is not a number >= 0\n");
  });

  it('--signal-timeframes 1m,5m: rows per timeframe and both timeframes in one book; a timeframe that cannot be built is named', () => {
    const r = cli(['--signal-timeframes', '1m,5m', ...SAMPLE_FILES]);
    expect(r.status).toBe(0);
    for (const name of ['macd_turn 1m', 'macd_turn 5m', 'fused (ConsensusScalping) 5m', 'fused (ConsensusScalping) 1m+5m']) {
      expect(r.stdout).toMatch(new RegExp(`^\\| ${name.replace(/[()+]/g, '\\$&')} +\\| +\\d+ \\|`, 'm'));
    }
    const bad = cli(['--signal-timeframes', '1m,7m', SAMPLE_FILES[0]]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('backtest: invalid configuration: SIGNAL_TIMEFRAMES: 7m does not divide a day into whole bars\n');
  });

  it('splits the symbols over worker threads and prints the same bytes as one thread (every timeframe, adaptive consensus, bad rows)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bt-'));
    const bad = join(dir, 'BTCUSDT-1m-bad.csv');
    writeFileSync(bad, 'open_time_ms,open,high,low,close,volume\n1746489600000,1,2,0.5,1.5,1\n1746489660000,1,2,3,1.5,1\n');
    const run = (workers: string, files: string[], env: Record<string, string> = {}) =>
      spawnSync(process.execPath, ['-r', '@swc-node/register', 'apps/signal-generator/src/backtest/backtest.cli.ts', '--workers', workers, ...files], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { ...process.env, MIN_STRATEGIES_AGREE: undefined, ...env },
      });
    const env = { SIGNAL_TIMEFRAMES: '1m,5m', ADAPTIVE_CONSENSUS: 'true' };
    const one = run('1', SAMPLE_FILES, env);
    const two = run('2', SAMPLE_FILES, env);
    expect(one.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stdout).toMatch(/^\| fused \(ConsensusScalping\) 1m\+5m +\| +\d+ \|/m);
    const skipOne = run('1', ['--skip-bad-rows', SAMPLE_FILES[1], bad]);
    const skipTwo = run('2', ['--skip-bad-rows', SAMPLE_FILES[1], bad]);
    expect(skipTwo.stdout).toBe(skipOne.stdout);
    expect(skipTwo.stdout).toContain('bad rows skipped: 1');
    expect(skipTwo.stderr).toBe(`skipped ${bad}:3: low 3 is above high 2\n`);
    const failTwo = run('2', [SAMPLE_FILES[1], bad]);
    expect([failTwo.status, failTwo.stderr]).toEqual([1, `backtest: ${bad}:3: low 3 is above high 2\n`]);
  }, 120_000);

  it('names a bad setting, with the config exit code 2', () => {
    const r = spawnSync(process.execPath, ['-r', '@swc-node/register', 'apps/signal-generator/src/backtest/backtest.cli.ts', SAMPLE_FILES[0]], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, MIN_RR: 'lots' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^backtest: invalid configuration: MIN_RR: /);
  });
});
