import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '@app/testing';

const ROOT = join(__dirname, '..', '..', '..');

/** `npm run backtest -- --html` as a real process; the file it writes opened in headless chromium. */
describe('backtest --html report (browser)', () => {
  let dir: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'backtest-html-'));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a self-contained report that renders offline: equity, tables, trades and candles with their markers', async () => {
    const out = join(dir, 'report.html');
    const stdout = execFileSync(
      process.execPath,
      ['-r', '@swc-node/register', 'apps/signal-generator/src/backtest/backtest.cli.ts', '--html', out, 'data/BTCUSDT-1m-2025-05-06.csv', 'data/ETHUSDT-1m-2025-05-06.csv'],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    expect(stdout).toContain(`HTML report: ${out}`);

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(`file://${out}`);
    await page.locator('body[data-rendered=true]').waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.locator('#by-strategy tr').count()).toBeGreaterThan(3);
    expect(await page.locator('#by-strategy tr.fused').count()).toBe(1);
    expect(await page.locator('#by-symbol tr').count()).toBe(2);
    const trades = await page.locator('#trades tr').count();
    expect(trades).toBeGreaterThan(10);
    expect(await page.locator('#candles canvas').count()).toBeGreaterThan(0);
    // A chart with candles has pixels in the candle colours.
    const coloured = await page.evaluate<number>(`(() => {
      let n = 0;
      for (const c of document.querySelectorAll('#candles canvas')) {
        const ctx = c.getContext('2d'); if (!ctx || !c.width) continue;
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < d.length; i += 4) if ((d[i + 1] > 140 && d[i] < 90) || (d[i] > 200 && d[i + 1] < 110)) n++;
      }
      return n;
    })()`);
    expect(coloured).toBeGreaterThan(500);
    await page.locator('#trades tr').first().click();
    mkdirSync(join(ROOT, '.test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, '.test-results', 'backtest-report.png'), fullPage: true });
    await page.close();
  }, 180_000);
});
