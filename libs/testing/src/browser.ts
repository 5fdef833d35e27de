import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`, done by .ci/run): tests never download a browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for a machine without network or display: no sandbox (CI runs as root), no GPU, and
 * nothing that phones home (component updates, background fetches, first-run pages).
 */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/** Launches headless chromium with those flags. Close it in afterAll. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no chromium at ${CHROMIUM_PATH}: apt-get install chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}

/** Pixels of a chart's canvases in the candle colours: the chart drew candles, not just a grid. */
export async function candlePixels(page: Page): Promise<number> {
  // A string: this runs in the page, and the apps' tsconfig has no DOM types.
  return page.evaluate<number>(`(() => {
    let n = 0;
    for (const canvas of document.querySelectorAll('[data-testid=candle-chart] canvas')) {
      const ctx = canvas.getContext('2d');
      if (!ctx || !canvas.width || !canvas.height) continue;
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 0; i < data.length; i += 4) {
        const r = data[i], g = data[i + 1], b = data[i + 2];
        if ((g > 140 && r < 90 && b > 120) || (r > 200 && g < 110 && b < 110)) n++;
      }
    }
    return n;
  })()`);
}
