import type { Candle } from '@app/contracts';
import type { BacktestResult } from './backtest.runner';
import type { ReportTrade } from './html-report.collector';

export interface HtmlReportInput {
  result: BacktestResult;
  /** The fused signal's source name: its trades make the equity curve, trade list and markers. */
  fusedSource: string;
  trades: readonly ReportTrade[];
  candles: ReadonlyMap<string, readonly Candle[]>;
  files: readonly string[];
  /** lightweight-charts' standalone bundle, inlined so the file opens offline. */
  chartLibrary: string;
}

export interface EquityRow {
  time: number;
  net: number;
  gross: number;
  drawdown: number;
}

/**
 * Cumulative R (net and gross) and the net drawdown from its running peak, one row per candle
 * with closes (a chart needs strictly increasing times: closes on one candle share a row).
 */
export function equityRows(trades: readonly ReportTrade[]): EquityRow[] {
  let net = 0;
  let gross = 0;
  let peak = 0;
  const rows: EquityRow[] = [];
  for (const t of [...trades].sort((a, b) => a.exitOn - b.exitOn)) {
    net += t.result.netR;
    gross += t.result.grossR;
    peak = Math.max(peak, net);
    const row = { time: t.exitOn, net: r4(net), gross: r4(gross), drawdown: r4(net - peak) };
    if (rows.length && rows[rows.length - 1].time === row.time) rows[rows.length - 1] = row;
    else rows.push(row);
  }
  return rows;
}

interface Group {
  trades: number;
  netWins: number;
  netR: number;
  grossR: number;
  netWon: number;
  netLost: number;
}

/** Per-symbol figures of the fused trades, net and gross. */
export function bySymbol(trades: readonly ReportTrade[]): Map<string, Group> {
  const out = new Map<string, Group>();
  for (const t of trades) {
    const g = out.get(t.symbol) ?? { trades: 0, netWins: 0, netR: 0, grossR: 0, netWon: 0, netLost: 0 };
    g.trades++;
    g.netR += t.result.netR;
    g.grossR += t.result.grossR;
    if (t.result.netR > 0) {
      g.netWins++;
      g.netWon += t.result.netR;
    } else g.netLost -= t.result.netR;
    out.set(t.symbol, g);
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

/** The whole report as one HTML file: no external asset, so it can be mailed or archived. */
export function renderHtmlReport(input: HtmlReportInput): string {
  const { result, fusedSource } = input;
  const fused = input.trades.filter((t) => t.source === fusedSource);
  const equity = equityRows(fused);
  const data = {
    equity,
    symbols: [...input.candles.keys()].sort(),
    candles: Object.fromEntries([...input.candles].map(([s, list]) => [s, list.map((c) => [c.open_time / 1000, c.open, c.high, c.low, c.close])])),
    trades: fused.map((t) => ({ s: t.symbol, d: t.direction, in: t.enteredOn / 1000, out: t.exitOn / 1000, e: t.entry, x: t.exitPrice, r: r4(t.result.netR) })),
  };
  const strategyRows = result.rows
    .map(
      ({ source, stats: s }) =>
        `<tr${source === fusedSource ? ' class="fused"' : ''}><td>${esc(source)}</td><td>${s.signals}</td><td>${s.net.trades}</td><td>${pct(s.net.winRate)}</td><td>${pct(s.gross.winRate)}</td>` +
        `<td class="${cls(s.net.total)}">${r(s.net.total)}</td><td>${r(s.gross.total)}</td><td>${num(s.net.profitFactor)}</td><td>${num(s.gross.profitFactor)}</td><td class="neg">${r(s.net.maxDrawdown)}</td></tr>`,
    )
    .join('');
  const symbolRows = [...bySymbol(fused)]
    .map(
      ([sym, g]) =>
        `<tr><td>${esc(sym)}</td><td>${g.trades}</td><td>${pct(g.trades ? g.netWins / g.trades : undefined)}</td><td class="${cls(g.netR)}">${r(g.netR)}</td><td>${r(g.grossR)}</td><td>${num(g.netLost ? g.netWon / g.netLost : undefined)}</td></tr>`,
    )
    .join('');
  const tradeRows = fused
    .map(
      (t, i) =>
        `<tr data-i="${i}"><td>${iso(t.enteredOn)}</td><td>${esc(t.symbol)}</td><td class="${t.direction === 'BUY' ? 'pos' : 'neg'}">${t.direction}</td><td>${t.entry}</td><td>${t.exitPrice}</td><td>${esc(t.reason)}</td><td class="${cls(t.result.netR)}">${r(t.result.netR)}</td><td>${r(t.result.grossR)}</td></tr>`,
    )
    .join('');
  const last = equity[equity.length - 1];
  const c = result.costs;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Backtest report</title>
<style>${CSS}</style></head><body>
<header><h1>Backtest report</h1><span>${esc(input.files.join(', '))} · ${result.candles} candles · ${esc(result.symbols.join(', '))} · ${result.firstOpenTime !== undefined ? iso(result.firstOpenTime) : ''} → ${result.lastOpenTime !== undefined ? iso(result.lastOpenTime) : ''} · fees ${c.takerFeeBps}/${c.makerFeeBps} bps, slippage ${c.slippageTicks} tick(s)</span></header>
<section class="kpis"><div><label>${esc(fusedSource)} trades</label><b>${fused.length}</b></div><div><label>Σ R net</label><b class="${cls(last?.net ?? 0)}">${r(last?.net ?? 0)}</b></div><div><label>Σ R gross</label><b>${r(last?.gross ?? 0)}</b></div><div><label>Max drawdown (net)</label><b class="neg">${r(Math.min(0, ...equity.map((e) => e.drawdown)))}</b></div></section>
<section><h2>Equity (R) and drawdown</h2><div id="equity" class="chart"></div><div id="drawdown" class="chart small"></div></section>
<section><h2>Candles with trades</h2><div id="tabs"></div><div id="candles" class="chart tall"></div></section>
<section class="two"><div><h2>By strategy</h2><table><thead><tr><th>Source</th><th>Signals</th><th>Trades</th><th>Win% net</th><th>Win% gross</th><th>Σ R net</th><th>Σ R gross</th><th>PF net</th><th>PF gross</th><th>Max DD net</th></tr></thead><tbody id="by-strategy">${strategyRows}</tbody></table></div>
<div><h2>By symbol (${esc(fusedSource)})</h2><table><thead><tr><th>Symbol</th><th>Trades</th><th>Win% net</th><th>Σ R net</th><th>Σ R gross</th><th>PF net</th></tr></thead><tbody id="by-symbol">${symbolRows}</tbody></table></div></section>
<section><h2>Trades (${esc(fusedSource)})</h2><table><thead><tr><th>Entry (UTC)</th><th>Symbol</th><th>Side</th><th>Entry</th><th>Exit</th><th>Reason</th><th>R net</th><th>R gross</th></tr></thead><tbody id="trades">${tradeRows}</tbody></table></section>
<script>${input.chartLibrary.replace(/<\/script/gi, '<\\/script')}</script>
<script>const DATA = ${JSON.stringify(data).replace(/</g, '\\u003c')};
${CLIENT_JS}</script>
</body></html>
`;
}

const CLIENT_JS = `
const LC = LightweightCharts;
const base = { autoSize: true, layout: { background: { type: 'solid', color: '#0f1419' }, textColor: '#8b98a5', fontSize: 11 }, grid: { vertLines: { color: '#1c252e' }, horzLines: { color: '#1c252e' } }, timeScale: { timeVisible: true } };
const eq = LC.createChart(document.getElementById('equity'), base);
eq.addSeries(LC.BaselineSeries, { baseValue: { type: 'price', price: 0 }, lineWidth: 2 }).setData(DATA.equity.map((e) => ({ time: e.time / 1000, value: e.net })));
eq.addSeries(LC.LineSeries, { color: '#7d8b99', lineWidth: 1, lineStyle: 2, title: 'gross' }).setData(DATA.equity.map((e) => ({ time: e.time / 1000, value: e.gross })));
eq.timeScale().fitContent();
const dd = LC.createChart(document.getElementById('drawdown'), base);
dd.addSeries(LC.AreaSeries, { lineColor: '#ef5350', topColor: 'rgba(239,83,80,0.05)', bottomColor: 'rgba(239,83,80,0.4)', lineWidth: 1, invertFilledArea: true }).setData(DATA.equity.map((e) => ({ time: e.time / 1000, value: e.drawdown })));
dd.timeScale().fitContent();
const cc = LC.createChart(document.getElementById('candles'), base);
const cs = cc.addSeries(LC.CandlestickSeries, { upColor: '#26a69a', downColor: '#ef5350', borderVisible: false, wickUpColor: '#26a69a', wickDownColor: '#ef5350' });
const markers = LC.createSeriesMarkers(cs, []);
function show(sym) {
  cs.setData(DATA.candles[sym].map((c) => ({ time: c[0], open: c[1], high: c[2], low: c[3], close: c[4] })));
  const m = [];
  for (const t of DATA.trades.filter((t) => t.s === sym)) {
    const buy = t.d === 'BUY';
    m.push({ time: t.in, position: buy ? 'belowBar' : 'aboveBar', shape: buy ? 'arrowUp' : 'arrowDown', color: buy ? '#26a69a' : '#ef5350', text: 'in ' + t.e });
    m.push({ time: t.out, position: buy ? 'aboveBar' : 'belowBar', shape: 'circle', color: t.r > 0 ? '#26a69a' : '#ef5350', text: 'out ' + (t.r > 0 ? '+' : '') + t.r.toFixed(2) + 'R' });
  }
  markers.setMarkers(m.sort((a, b) => a.time - b.time));
  cc.timeScale().fitContent();
  for (const b of document.querySelectorAll('#tabs button')) b.className = b.textContent === sym ? 'on' : '';
}
const tabs = document.getElementById('tabs');
for (const s of DATA.symbols) { const b = document.createElement('button'); b.textContent = s; b.onclick = () => show(s); tabs.appendChild(b); }
if (DATA.symbols.length) show(DATA.symbols[0]);
document.getElementById('trades').addEventListener('click', (e) => {
  const row = e.target.closest('tr'); if (!row) return;
  const t = DATA.trades[Number(row.dataset.i)]; show(t.s);
  cc.timeScale().setVisibleRange({ from: t.in - 3600, to: t.out + 3600 });
  document.getElementById('candles').scrollIntoView({ behavior: 'smooth' });
});
document.body.dataset.rendered = 'true';
`;

const CSS = `
body { margin: 0; background: #0b0f14; color: #d1d9e0; font: 12px/1.4 -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; }
header { padding: 10px 16px; border-bottom: 1px solid #1f2a35; } header h1 { font-size: 16px; margin: 0 0 2px; } header span { color: #7d8b99; }
section { padding: 8px 16px; } h2 { font-size: 11px; text-transform: uppercase; letter-spacing: .6px; color: #7d8b99; margin: 8px 0; font-weight: 500; }
.kpis { display: flex; gap: 28px; } .kpis label { display: block; color: #7d8b99; font-size: 10px; text-transform: uppercase; } .kpis b { font-size: 18px; }
.chart { height: 260px; } .chart.small { height: 110px; } .chart.tall { height: 420px; }
.two { display: grid; grid-template-columns: 1.4fr 1fr; gap: 16px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th { text-align: left; color: #7d8b99; font-weight: 500; font-size: 10.5px; border-bottom: 1px solid #1f2a35; padding: 3px 8px; }
td { padding: 2px 8px; border-bottom: 1px solid #151d25; white-space: nowrap; } tbody#trades tr { cursor: pointer; } tbody#trades tr:hover { background: #121a21; }
tr.fused td { font-weight: 600; } .pos { color: #26a69a; } .neg { color: #ef5350; }
#tabs button { background: none; border: 0; color: #7d8b99; padding: 2px 10px; cursor: pointer; } #tabs button.on { background: #1a232c; color: #d1d9e0; border-radius: 3px; }
`;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
function r4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
function r(x: number): string {
  return `${x > 0 ? '+' : ''}${x.toFixed(2)}R`;
}
/** A fraction as a percentage. */
function pct(x: number | undefined): string {
  return x === undefined ? '—' : `${(x * 100).toFixed(1)}%`;
}
function num(x: number | undefined): string {
  return x === undefined ? '—' : Number.isFinite(x) ? x.toFixed(2) : '∞';
}
function cls(x: number): string {
  return x > 0 ? 'pos' : x < 0 ? 'neg' : '';
}
function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}
