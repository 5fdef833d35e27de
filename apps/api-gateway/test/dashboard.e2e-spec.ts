import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Redis from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { latencySamplesKey } from '@app/contracts';
import { LatencySamples } from '@app/observability';
import { MarketPublisher } from '@app/redis-streams';
import { candlePixels, launchBrowser, startRedis, waitFor, type TestRedis } from '@app/testing';
import { healthy, newRedis, startTestGateway, type TestGateway } from './gateway-harness';
import { seedMarket, seedPositions, signalOn, walk } from './dashboard-seed';

const ROOT = join(__dirname, '..', '..', '..');
const DASHBOARD_DIR = join(ROOT, 'dist', 'dashboard');
const RESULTS = join(ROOT, '.test-results');

/** The dashboard in headless chromium against a live gateway on a private Redis. */
describe('dashboard (browser)', () => {
  let server: TestRedis;
  let redis: Redis;
  let gw: TestGateway;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(DASHBOARD_DIR, 'index.html'))) {
      execFileSync('npx', ['vite', 'build', 'apps/dashboard', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    }
    mkdirSync(RESULTS, { recursive: true });
    server = await startRedis();
    redis = newRedis(server.url);
    await seedMarket(redis);
    await seedPositions(redis);
    // The generator's and the notifier's stages, as their replicas record them.
    await new LatencySamples(redis, { key: latencySamplesKey('candle_to_signal') }).record(0.004);
    await new LatencySamples(redis, { key: latencySamplesKey('telegram') }).record(0.35);
    gw = await startTestGateway(server.url, { DASHBOARD_DIR });
    await healthy(gw.url);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    redis?.disconnect();
    await server?.stop();
  });

  it('loads with no console error and shows the stored signals with their votes and states', async () => {
    await page.goto(`${gw.url}/dashboard`);
    await page.locator('[data-testid=signal-feed] .signal').first().waitFor({ timeout: 10_000 });
    const first = page.locator('[data-testid=signal-feed] .signal').first();
    await expect(first.textContent()).resolves.toContain('rsi_extreme');
    // Newest first: BTC's SELL on candle 90 came after ETH's BUY on candle 70.
    await expect(first.locator('.sym').textContent()).resolves.toBe('BTCUSDT');
    await expect(page.locator('.badge.source.not-live').first().textContent()).resolves.toBe('REPLAY');
    expect(consoleErrors).toEqual([]);
  });

  it('shows a signal XADDed to the stream within a second, with its votes', async () => {
    const candle = walk('SOLUSDT', 1, 150)[0];
    const market = new MarketPublisher(redis);
    const started = Date.now();
    const { signalIds } = await market.publish(candle, [signalOn(candle, 'SELL')]);
    const item = page.locator(`[data-signal-id="${signalIds[0]}"]`);
    await item.waitFor({ timeout: 1000 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(1000);
    const text = (await item.textContent()) ?? '';
    expect(text).toContain('SOLUSDT');
    expect(text).toContain('vwap_deviation');
    expect(text).toContain('price 1.9σ from VWAP');
    expect(text).toContain('ACTIVE');
    expect(text).toContain('LIVE');
  });

  it('shows p50/p99 of every delivery stage, the generator’s and the notifier’s included', async () => {
    const system = page.locator('[data-testid=system]');
    await system.getByText('stream → Telegram p50 / p99').waitFor({ timeout: 10_000 });
    const text = await system.innerText();
    for (const stage of ['candle close → signal', 'stream → served', 'stream → SSE', 'stream → Telegram', 'signal → ATAS ack']) expect(text).toContain(`${stage} p50 / p99`);
    expect(text).toMatch(/candle close → signal p50 \/ p99\s+4 ms \/ 4 ms/);
    expect(text).toMatch(/stream → Telegram p50 \/ p99\s+350 ms \/ 350 ms/);
  });

  it('draws the candle chart', async () => {
    await page.locator('.tab', { hasText: 'BTCUSDT' }).click();
    const pixels = await waitFor(async () => ((await candlePixels(page)) > 500 ? candlePixels(page) : undefined), { timeoutMs: 5000, what: 'candles drawn' });
    expect(pixels).toBeGreaterThan(500);
    await page.screenshot({ path: join(RESULTS, 'dashboard.png') });
    expect(consoleErrors).toEqual([]);
  });

  it('pause shows as paused and the API agrees; resume undoes it', async () => {
    await page.locator('[data-testid=pause]').click();
    await page.locator('[data-testid=trading-state]', { hasText: 'PAUSED' }).waitFor({ timeout: 3000 });
    const control = await request(gw.url).get('/api/control');
    expect(control.body).toMatchObject({ trading: 'paused', by: 'dashboard' });
    const latest = await request(gw.url).get('/api/signals/latest');
    expect(latest.body.signal ?? null).toBeNull();
    await page.screenshot({ path: join(RESULTS, 'dashboard-paused.png') });

    await page.locator('[data-testid=resume]').click();
    await page.locator('[data-testid=trading-state]', { hasText: 'TRADING' }).waitFor({ timeout: 3000 });
    expect((await request(gw.url).get('/api/control')).body.trading).toBe('enabled');
    expect(consoleErrors).toEqual([]);
  });
});

/** With API_KEY set the dashboard reads, streams and controls with the key the trader typed in. */
describe('dashboard (browser) with an API key', () => {
  let server: TestRedis;
  let redis: Redis;
  let gw: TestGateway;
  let browser: Browser;

  beforeAll(async () => {
    server = await startRedis();
    redis = newRedis(server.url);
    await seedMarket(redis);
    gw = await startTestGateway(server.url, { DASHBOARD_DIR, API_KEY: 'dashboard-secret-key' });
    await healthy(gw.url);
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    redis?.disconnect();
    await server?.stop();
  });

  it('streams signals and pauses with the stored key', async () => {
    const page = await browser.newPage();
    // A string: it runs in the page (the gateway's tsconfig has no DOM types).
    await page.addInitScript("localStorage.setItem('signal-platform.api-key', 'dashboard-secret-key')");
    await page.goto(`${gw.url}/dashboard/`);
    await page.locator('[data-testid=signal-feed] .signal').first().waitFor({ timeout: 10_000 });
    const candle = walk('SOLUSDT', 1, 150)[0];
    const { signalIds } = await new MarketPublisher(redis).publish(candle, [signalOn(candle, 'BUY')]);
    await page.locator(`[data-signal-id="${signalIds[0]}"]`).waitFor({ timeout: 1000 });
    await page.locator('[data-testid=pause]').click();
    await page.locator('[data-testid=trading-state]', { hasText: 'PAUSED' }).waitFor({ timeout: 3000 });
    const control = await request(gw.url).get('/api/control').set('X-API-Key', 'dashboard-secret-key');
    expect(control.body.trading).toBe('paused');
    await page.close();
  });
});
