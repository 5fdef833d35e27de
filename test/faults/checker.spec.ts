import { formatMicros, type Candle, type NewSignal, type PositionEvent } from '@app/contracts';
import type { FakeMessage } from '../../apps/notifier/test/fixtures/fake-telegram.server';
import { makeSignal } from '../../apps/notifier/test/fixtures/signals';
import { countWindow, decisionOf, inWindow, Sinks, totalDuplicated, totalLost, type Published, type StreamState } from './checker';
import { protectedApiRoute } from './scenarios';

/** The fault suite's checker must see what it claims to: each kind of loss and repeat, and nothing else. */
const MINUTE = 60_000;
const T0 = Date.UTC(2025, 4, 6, 10, 0, 0);

function signal(n: number, direction: 'BUY' | 'SELL', candleMinute = n): Published {
  const base = makeSignal(n, { symbol: 'ETHUSDT', direction, entry_price: 100, stop_loss: direction === 'BUY' ? 90 : 110, take_profit: direction === 'BUY' ? 120 : 80 });
  const payload: NewSignal = { ...base, metadata: { ...base.metadata, candle_time: formatMicros((T0 + candleMinute * MINUTE) * 1000) } };
  return { id: `${1_000 + n}-0`, payload, decision: decisionOf(payload) };
}

function candle(minute: number): Candle {
  return { symbol: 'ETHUSDT', timeframe: '1m', open_time: T0 + minute * MINUTE, close_time: T0 + minute * MINUTE + MINUTE - 1, open: 100, high: 101, low: 99, close: 100, volume: 1 };
}

const opened = (id: string) => ({ type: 'opened', position_id: id }) as PositionEvent;
const closed = (s: Published) => ({ type: 'closed', position_id: s.id, signal_timestamp: s.payload.timestamp }) as unknown as PositionEvent;

function message(chat: string, text: string): FakeMessage {
  return { chat_id: chat, text, parse_mode: 'HTML', at: 0, message_id: 0 };
}
const single = (chat: string, s: Published) => message(chat, `🟢 <b>BUY ETHUSDT</b>\n🕒 <code>${s.payload.timestamp}</code> UTC`);
const digest = (chat: string, ...list: Published[]) => message(chat, `📬 <b>Digest: ${list.length} signals</b>\n${list.map((s) => `ETHUSDT · <code>${s.payload.timestamp}</code>`).join('\n')}`);
const closeReport = (chat: string, s: Published) => message(chat, `✅ <b>ETHUSDT BUY closed</b> · TP\n🕒 signal <code>${s.payload.timestamp}</code> UTC`);

/** Two signals (a BUY, then the opposite SELL that closes it), delivered once everywhere. */
function world() {
  const a = signal(1, 'BUY', 1);
  const b = signal(2, 'SELL', 2);
  const state: StreamState = { signals: [a, b], malformedSignals: 0, events: [opened(a.id), closed(a), opened(b.id)], candles: [candle(1), candle(2)] };
  const sinks = new Sinks(() => 'http://unused', 'key');
  for (const s of [a, b]) {
    sinks.rest.set(s.id, 0);
    sinks.sse.set(s.id, 1);
  }
  const chat = [digest('1', a, b), closeReport('1', a)];
  return { a, b, state, sinks, chats: new Map([['1', chat]]) };
}

describe('fault suite checker', () => {
  it('counts a clean delivery as nothing lost, nothing repeated', () => {
    const { state, sinks, chats } = world();
    const c = countWindow(state, sinks, chats, inWindow(state.signals, '0-0'), 0);
    expect({ signals: c.signals, lost: totalLost(c), dup: totalDuplicated(c), inFlight: c.inFlightRepeats }).toEqual({ signals: 2, lost: 0, dup: 0, inFlight: 0 });
  });

  it('sees each loss: REST, SSE, a chat, a position, a close report', () => {
    const { a, b, state, sinks } = world();
    sinks.rest.delete(a.id);
    sinks.sse.delete(b.id);
    const chats = new Map([['1', [single('1', a)]]]);
    const c = countWindow({ ...state, events: [opened(a.id)] }, sinks, chats, inWindow(state.signals, '0-0'), 0);
    // b never reached the chat; a's close and b's open never happened; a's close was never reported.
    expect(c.lost).toEqual({ rest: 1, sse: 1, telegram: 1, positions: 2, closeReports: 0 });
    const withClose = countWindow(state, sinks, chats, inWindow(state.signals, '0-0'), 0);
    expect(withClose.lost.closeReports).toBe(1);
  });

  it('sees each repeat: a decision published twice (a generator restart), SSE, REST, a position', () => {
    const { a, b, state, sinks, chats } = world();
    const again: Published = { ...b, id: '1003-0', payload: { ...b.payload, timestamp: formatMicros(T0 * 1000 + 3) } };
    sinks.sse.set(a.id, 2);
    sinks.restDuplicates.add(b.id);
    const c = countWindow({ ...state, signals: [a, b, again], events: [...state.events, opened(b.id)] }, sinks, chats, [a, b], 0);
    expect(c.duplicated).toMatchObject({ published: 1, sse: 1, rest: 1, positions: 1 });
  });

  it('allows one repeated Telegram message per chat per fault event, and nothing beyond', () => {
    const { a, b, state, sinks } = world();
    const window = inWindow(state.signals, '0-0');
    // The in-flight digest sent again after a crash: inside the bound of one fault event.
    const repeatedDigest = new Map([['1', [digest('1', a, b), digest('1', a, b), closeReport('1', a)]]]);
    const within = countWindow(state, sinks, repeatedDigest, window, 1);
    expect({ dup: totalDuplicated(within), inFlight: within.inFlightRepeats }).toEqual({ dup: 0, inFlight: 1 });
    // Without a fault event that could explain it, the same is a duplicate.
    expect(countWindow(state, sinks, repeatedDigest, window, 0).duplicated.telegram).toBe(2);
    // Two messages repeated, one fault event: a duplicate.
    const twoRepeated = new Map([['1', [single('1', a), single('1', b), single('1', a), single('1', b), closeReport('1', a)]]]);
    expect(countWindow(state, sinks, twoRepeated, window, 1).duplicated.telegram).toBe(2);
    // Three copies of one message: a duplicate whatever the bound.
    const thrice = new Map([['1', [digest('1', a, b), digest('1', a, b), digest('1', a, b), closeReport('1', a)]]]);
    expect(countWindow(state, sinks, thrice, window, 5).duplicated.telegram).toBe(2);
  });

  it('takes a window by stream id, after `from` and up to `to`', () => {
    const { a, b } = world();
    expect(inWindow([a, b], a.id).map((s) => s.id)).toEqual([b.id]);
    expect(inWindow([a, b], '0-0', a.id).map((s) => s.id)).toEqual([a.id]);
  });
});

describe('protectedApiRoute: the route under /api a path reaches once decoded and normalised', () => {
  it.each([
    ['/api/signals', true],
    ['/%61pi/signals', true],
    ['//api//signals/latest', true],
    ['/x/../API/Signals?x=1', true],
    ['/api/./positions', true],
    ['/api/health', false],
    ['/API/health', false],
    ['/api/signals/..', false],
    ['/health/ready', false],
    ['/api/%zz', false],
  ])('%s → %s', (path, expected) => {
    expect(protectedApiRoute(path)).toBe(expected);
  });
});
