import { htmlError, plainText } from '../../test/fixtures/fake-telegram.server';
import { makeClosedEvent, makeSignal, markersIn } from '../../test/fixtures/signals';
import { buildDigest, composeMessage } from './digest';
import { capMessage, escapeHtml, MAX_MESSAGE_CHARS } from './html';
import { digestLine, formatPositionClosed, formatSignal } from './message.formatter';
import type { NotificationJob } from '@app/contracts';

const HOSTILE = '<script>alert("x")</script> & <b>bold</b> &amp; 1 < 2 > 0';

describe('signal message', () => {
  it('reads at a glance: direction, symbol, entry/SL/TP with distances, RR, leverage, strength, agreeing strategies', () => {
    expect(formatSignal(makeSignal(0))).toBe(
      [
        '🟢 <b>BUY ETHUSDT</b> · 1m · 20x',
        'Entry <code>3500</code>',
        'SL <code>3482.5</code> (-0.50%)',
        'TP <code>3542</code> (+1.20%)',
        'RR <b>2.4</b> · Strength <b>85.5</b>/100 · Confidence 75%',
        '✅ 2 agree: ema_cross, rsi',
        '📈 HighFrequencyScalping',
        '🕒 <code>2025-01-02T09:00:00.000007</code> UTC',
      ].join('\n'),
    );
    expect(formatSignal(makeSignal(1))).toMatch(/^🔴 <b>SELL BTCUSDT<\/b>/);
  });

  it('marks every signal that is not live on its first line, and leaves a live one as it was', () => {
    const live = formatSignal(makeSignal(0));
    expect(live).not.toMatch(/REPLAY|DEMO|BACKTEST|UNKNOWN|🧪|⚠️/);
    const withSource = (source?: 'replay' | 'backtest' | 'demo') => {
      const { source: _live, ...metadata } = makeSignal(0).metadata;
      return formatSignal(makeSignal(0, { metadata: source ? { ...metadata, source } : metadata }));
    };
    expect(withSource('replay')).toBe(`<b>🧪 REPLAY</b> · not a live signal, do not trade\n${live}`);
    expect(withSource('backtest')).toBe(`<b>🧪 BACKTEST</b> · not a live signal, do not trade\n${live}`);
    expect(withSource('demo')).toBe(`<b>🧪 DEMO</b> · not a live signal, do not trade\n${live}`);
    // No metadata.source (an older or foreign producer): not live either.
    expect(withSource()).toBe(`<b>⚠️ SOURCE UNKNOWN</b> · not a live signal, do not trade\n${live}`);
    for (const text of [withSource('replay'), withSource()]) expect(htmlError(text)).toBeUndefined();
  });

  it('keeps the mark when a huge message is capped', () => {
    const long = '&<'.repeat(200);
    const votes = Array.from({ length: 200 }, (_, i) => ({ strategy: `${long}${i}`, direction: 'BUY' as const, confidence: 50, reason: long }));
    const text = formatSignal(makeSignal(0, { metadata: { ...makeSignal(0).metadata, source: 'replay', strategies_agree: 200, votes } }));
    expect(text.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(text.startsWith('<b>🧪 REPLAY</b>')).toBe(true);
  });

  it('escapes hostile strategy names, vote names and timeframes so Telegram parses the HTML', () => {
    const s = makeSignal(0, {
      strategy_name: HOSTILE,
      timeframe: '<1m&>',
      metadata: { ...makeSignal(0).metadata, votes: [{ strategy: `</code>${HOSTILE}`, direction: 'BUY', confidence: 90, reason: '<i>' }] },
    });
    const text = formatSignal(s);
    expect(htmlError(text)).toBeUndefined();
    expect(plainText(text)).toContain(HOSTILE);
    expect(plainText(text)).toContain('<1m&>');
    expect(text).not.toContain('<script>');
  });

  it('stays under 4096 characters and valid with very long names and many voters', () => {
    const long = '&<'.repeat(200);
    const votes = Array.from({ length: 200 }, (_, i) => ({ strategy: `${long}${i}`, direction: 'BUY' as const, confidence: 50, reason: long }));
    const text = formatSignal(makeSignal(0, { strategy_name: long.slice(0, 100), metadata: { ...makeSignal(0).metadata, strategies_agree: 200, votes } }));
    expect(text.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(htmlError(text)).toBeUndefined();
    expect(text).toContain('+188 more');
    expect(text).toContain('2025-01-02T09:00:00.000007');
  });
});

describe('position closed message', () => {
  it('shows outcome, exit, PnL with leverage, R multiple and hold time', () => {
    expect(formatPositionClosed(makeClosedEvent())).toBe(
      [
        '✅ <b>ETHUSDT BUY closed</b> · take profit',
        'Entry <code>3500</code> → Exit <code>3542</code>',
        'PnL <b>+1.20%</b> · <b>+24.00%</b> at 20x · <b>+2.40R</b>',
        '⏱ Held 1h 12m · 1m · HighFrequencyScalping',
        '✅ ema_cross, rsi',
        '🕒 signal <code>2025-01-02T09:00:00.000007</code> UTC',
      ].join('\n'),
    );
    const loss = formatPositionClosed(makeClosedEvent({ reason: 'stop_loss', pnl_pct: -0.5, pnl_leveraged_pct: -10, r_multiple: -1 }));
    expect(loss).toMatch(/^❌ .* · stop loss\n/);
    expect(loss).toContain('PnL <b>-0.50%</b> · <b>-10.00%</b> at 20x · <b>-1.00R</b>');
  });

  it('shows the R after fees and slippage beside the gross R when the closer priced costs', () => {
    const e = makeClosedEvent({ net_r_multiple: 2.1234, fees_quote: 0.7 });
    expect(formatPositionClosed(e)).toContain('PnL <b>+1.20%</b> · <b>+24.00%</b> at 20x · <b>+2.40R</b> (net +2.12R after fees)\n');
    expect(digestLine({ kind: 'position_closed', entry_id: '1-0', event: e })).toContain('+2.40R (net +2.12R after fees)');
  });

  it('marks a position opened on a non-live signal, in full and in a digest line; a live one stays as it was', () => {
    const live = formatPositionClosed(makeClosedEvent());
    expect(live).not.toMatch(/REPLAY|DEMO|UNKNOWN|🧪|⚠️/);
    expect(formatPositionClosed(makeClosedEvent({ source: 'replay' }))).toBe(`<b>🧪 REPLAY</b> · not a live position\n${live}`);
    expect(formatPositionClosed(makeClosedEvent({ source: undefined }))).toBe(`<b>⚠️ SOURCE UNKNOWN</b> · not a live position\n${live}`);
    const items: NotificationJob[] = [
      { kind: 'position_closed', entry_id: '1-0', event: makeClosedEvent() },
      { kind: 'position_closed', entry_id: '2-0', event: makeClosedEvent({ source: 'demo' }) },
    ];
    const lines = composeMessage(items).text.split('\n');
    expect(lines[1]).toMatch(/^✅ <b>ETHUSDT<\/b>/);
    expect(lines[2]).toMatch(/^<b>🧪 DEMO<\/b> · ✅ <b>ETHUSDT<\/b>/);
  });

  it('escapes a hostile symbol and strategy list', () => {
    const text = formatPositionClosed(makeClosedEvent({ symbol: '<X&Y>', strategies: [HOSTILE], strategy_name: HOSTILE }));
    expect(htmlError(text)).toBeUndefined();
    expect(plainText(text)).toContain('<X&Y>');
  });
});

describe('digest', () => {
  const signals = (n: number): NotificationJob[] =>
    Array.from({ length: n }, (_, i) => ({ kind: 'signal', entry_id: `${i}-0`, signal: makeSignal(i) }));

  it('sends one pending item as the full message', () => {
    const one = signals(1);
    expect(composeMessage(one)).toEqual({ text: formatSignal(makeSignal(0)), count: 1, kind: 'single' });
  });

  it('packs as many items as fit in 4096 characters, oldest first, each identifiable', () => {
    const items = signals(100);
    const d = composeMessage(items);
    expect(d.kind).toBe('digest');
    expect(d.text.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(d.count).toBeGreaterThan(20);
    expect(d.count).toBeLessThan(100);
    expect(markersIn(d.text)).toEqual(items.slice(0, d.count).map((_, i) => makeSignal(i).timestamp));
    expect(d.text.split('\n')[0]).toBe(`📬 <b>Digest: ${d.count} signals</b> (grouped to stay within Telegram's rate limit)`);
    expect(htmlError(d.text)).toBeUndefined();
    // The next line would not have fitted.
    expect(buildDigest(items.slice(0, d.count + 1), Number.MAX_SAFE_INTEGER).text.length).toBeGreaterThan(MAX_MESSAGE_CHARS);
  });

  it('marks each non-live signal line of a digest, not the live ones', () => {
    const replay = makeSignal(1, { metadata: { ...makeSignal(1).metadata, source: 'replay' } });
    const items: NotificationJob[] = [
      { kind: 'signal', entry_id: '1-0', signal: makeSignal(0) },
      { kind: 'signal', entry_id: '2-0', signal: replay },
    ];
    const lines = composeMessage(items).text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^🟢 BUY <b>ETHUSDT<\/b>/);
    expect(lines[2]).toMatch(/^<b>🧪 REPLAY<\/b> · 🔴 SELL <b>BTCUSDT<\/b>/);
  });

  it('mixes signals and closes, escaping every line', () => {
    const items: NotificationJob[] = [
      { kind: 'signal', entry_id: '1-0', signal: makeSignal(1, { timeframe: '<&>' }) },
      { kind: 'position_closed', entry_id: '2-0', event: makeClosedEvent({ symbol: '<&>' }) },
    ];
    const d = composeMessage(items);
    expect(d.count).toBe(2);
    expect(d.text).toMatch(/^📬 <b>Digest: 1 signal, 1 closed position<\/b>/);
    expect(htmlError(d.text)).toBeUndefined();
  });
});

describe('html helpers', () => {
  it('escapes the three characters Telegram requires', () => {
    expect(escapeHtml('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });

  it('caps an oversized text on a line boundary, keeping the HTML valid', () => {
    const text = Array.from({ length: 100 }, (_, i) => `<b>line ${i}</b> ${'x'.repeat(60)}`).join('\n');
    const capped = capMessage(text);
    expect(capped.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(capped.endsWith('\n…')).toBe(true);
    expect(htmlError(capped)).toBeUndefined();
    const oneLine = capMessage(`<b>${'&'.repeat(5000)}</b>`.replace(/&/g, '&amp;'));
    expect(oneLine.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(htmlError(oneLine)).toBeUndefined();
  });
});
