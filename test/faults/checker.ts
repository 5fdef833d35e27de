/**
 * Counts every signal end to end: published on `signals`, served by REST, streamed over SSE,
 * sent to each Telegram chat, and the positions the closers opened and closed against an
 * independent replay of the same signals and candles.
 */
import { request, type ClientRequest } from 'node:http';
import type Redis from 'ioredis';
import { compareStreamIds } from '@app/redis-streams';
import { decodeEntry, MarketEntrySchema, PositionEventSchema, SignalSchema, STREAMS, type Candle, type NewSignal, type PositionEvent } from '@app/contracts';
import { replayPositions } from '@app/testing';
import type { FakeMessage } from '../../apps/notifier/test/fixtures/fake-telegram.server';
import { markersIn } from '../../apps/notifier/test/fixtures/signals';

export interface Published {
  id: string;
  payload: NewSignal;
  /** (symbol, timeframe, candle time): the decision a signal is; publishing one twice is a duplicate. */
  decision: string;
}

/** Everything the sinks received, accumulated over the run. */
export class Sinks {
  /** REST: signal id → first time /api/signals/history served it. */
  readonly rest = new Map<string, number>();
  /** Signal id → its timestamp (what Telegram messages show), from REST. */
  readonly timestamps = new Map<string, string>();
  /** Ids a REST response listed twice, or whose decision it listed twice. */
  readonly restDuplicates = new Set<string>();
  /** SSE: signal id → how many `signal` events carried it, over every reconnection. */
  readonly sse = new Map<string, number>();
  sseFirstSeen = new Map<string, number>();
  sseConnections = 0;
  private lastEventId: string | undefined;
  private req: ClientRequest | undefined;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;

  constructor(
    private readonly gatewayUrl: () => string,
    private readonly apiKey: string,
  ) {}

  start(): void {
    this.connectSse();
    const poll = () => {
      if (this.closed) return;
      void this.pollRest().finally(() => {
        if (!this.closed) this.timers.push(setTimeout(poll, 400));
      });
    };
    poll();
  }

  private async pollRest(): Promise<void> {
    try {
      const res = await fetch(`${this.gatewayUrl()}/api/signals/history?limit=500`, { headers: { 'x-api-key': this.apiKey }, signal: AbortSignal.timeout(3000) });
      if (res.status !== 200) return void (await res.body?.cancel());
      const { signals } = (await res.json()) as { signals: (NewSignal & { id: string })[] };
      const now = Date.now();
      const ids = new Set<string>();
      const decisions = new Set<string>();
      for (const s of signals) {
        const d = decisionOf(s);
        if (ids.has(s.id) || decisions.has(d)) this.restDuplicates.add(s.id);
        ids.add(s.id);
        decisions.add(d);
        if (!this.rest.has(s.id)) this.rest.set(s.id, now);
        this.timestamps.set(s.id, s.timestamp);
      }
    } catch {
      // The gateway is down or Redis is: the next poll asks again.
    }
  }

  /** An EventSource: on any end it reconnects with Last-Event-ID, as the dashboard does. */
  private connectSse(): void {
    if (this.closed) return;
    const headers: Record<string, string> = { accept: 'text/event-stream', 'x-api-key': this.apiKey };
    if (this.lastEventId) headers['last-event-id'] = this.lastEventId;
    let buffer = '';
    const again = () => {
      if (this.req !== req) return;
      this.req = undefined;
      if (!this.closed) this.timers.push(setTimeout(() => this.connectSse(), 300));
    };
    const req = request(`${this.gatewayUrl()}/api/signals/stream`, { headers }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        res.once('end', again);
        return;
      }
      this.sseConnections++;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.frame(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      });
      res.once('close', again);
      res.once('error', again);
    });
    this.req = req;
    req.once('error', again);
    req.end();
  }

  private frame(text: string): void {
    let id: string | undefined;
    let event: string | undefined;
    let data = '';
    for (const line of text.split('\n')) {
      if (line.startsWith('id:')) id = line.slice(3).trim();
      else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
    }
    if (id) this.lastEventId = id;
    if (event !== 'signal' || !data) return;
    const signalId = (JSON.parse(data) as { id: string }).id;
    this.sse.set(signalId, (this.sse.get(signalId) ?? 0) + 1);
    if (!this.sseFirstSeen.has(signalId)) this.sseFirstSeen.set(signalId, Date.now());
  }

  close(): void {
    this.closed = true;
    this.timers.forEach(clearTimeout);
    this.req?.destroy();
  }
}

export function decisionOf(s: NewSignal): string {
  return `${s.symbol}|${s.timeframe}|${s.metadata.candle_time ?? s.timestamp}`;
}

/** What the streams hold now, read straight from Redis. */
export interface StreamState {
  signals: Published[];
  /** Entries on `signals` that are not signals (the malformed ones the suite wrote). */
  malformedSignals: number;
  events: PositionEvent[];
  candles: Candle[];
}

export async function readStreams(redis: Redis): Promise<StreamState> {
  const signals: Published[] = [];
  let malformedSignals = 0;
  for (const [id, fields] of (await redis.xrange(STREAMS.signals, '-', '+')) as [string, string[]][]) {
    try {
      const payload = decodeEntry(SignalSchema, id, fields);
      signals.push({ id, payload, decision: decisionOf(payload) });
    } catch {
      malformedSignals++;
    }
  }
  const events: PositionEvent[] = [];
  for (const [id, fields] of (await redis.xrange(STREAMS.positions, '-', '+')) as [string, string[]][]) {
    try {
      events.push(decodeEntry(PositionEventSchema, id, fields));
    } catch {
      // a malformed entry of the suite's own
    }
  }
  const candles: Candle[] = [];
  for (const [id, fields] of (await redis.xrange(STREAMS.market, '-', '+')) as [string, string[]][]) {
    try {
      const e = decodeEntry(MarketEntrySchema, id, fields);
      if (e.kind === 'candle') candles.push(e);
    } catch {
      // idem
    }
  }
  return { signals, malformedSignals, events, candles };
}

/** Telegram messages of one chat, split into signal markers and close-report markers. */
export function telegramCounts(messages: readonly FakeMessage[]): { signals: Map<string, number>; closes: Map<string, number>; byMessage: Map<string, FakeMessage[]> } {
  const signals = new Map<string, number>();
  const closes = new Map<string, number>();
  /** signal marker → the messages that carried it (for the in-flight bound). */
  const byMessage = new Map<string, FakeMessage[]>();
  const add = (map: Map<string, number>, marker: string) => map.set(marker, (map.get(marker) ?? 0) + 1);
  for (const m of messages) {
    // A close report names its signal's timestamp too: single (`SYMBOL DIR closed</b>`) or a digest line (` closed · `).
    const single = !m.text.startsWith('📬');
    const lines = single ? [m.text] : m.text.split('\n').slice(1);
    for (const line of lines) {
      const isClose = single ? m.text.includes(' closed</b>') : line.includes(' closed · ');
      for (const marker of markersIn(line)) {
        add(isClose ? closes : signals, marker);
        if (!isClose) byMessage.set(marker, [...(byMessage.get(marker) ?? []), m]);
      }
    }
  }
  return { signals, closes, byMessage };
}

export interface WindowCounts {
  signals: number;
  lost: { rest: number; sse: number; telegram: number; positions: number; closeReports: number };
  duplicated: { published: number; rest: number; sse: number; telegram: number; positions: number; closeReports: number };
  /** Telegram repeats inside the documented bound: at most one message per chat per fault event. */
  inFlightRepeats: number;
  /** Telegram repeats beyond it (counted in `duplicated.telegram`). */
  details: string[];
}

/** The signals whose ids fall in [from, to] (stream ids), or after `from` when `to` is undefined. */
export function inWindow(signals: readonly Published[], from: string, to?: string): Published[] {
  return signals.filter((s) => compareStreamIds(s.id, from) > 0 && (to === undefined || compareStreamIds(s.id, to) <= 0));
}

/**
 * Counts one window. `faultEvents` is how many crashes or Redis failures the notifier met in it:
 * each may repeat one message per chat (apps/notifier/README.md, "kill -9, and the one window
 * that remains"); a repeat is allowed when every repeated marker of a chat came in one original
 * message, each exactly twice, and the chat has at most `faultEvents` such messages.
 */
export function countWindow(state: StreamState, sinks: Sinks, messagesByChat: Map<string, readonly FakeMessage[]>, window: Published[], faultEvents: number): WindowCounts {
  const counts: WindowCounts = {
    signals: window.length,
    lost: { rest: 0, sse: 0, telegram: 0, positions: 0, closeReports: 0 },
    duplicated: { published: 0, rest: 0, sse: 0, telegram: 0, positions: 0, closeReports: 0 },
    inFlightRepeats: 0,
    details: [],
  };
  const decisions = new Map<string, number>();
  for (const s of state.signals) decisions.set(s.decision, (decisions.get(s.decision) ?? 0) + 1);
  const ids = new Set(window.map((s) => s.id));
  for (const s of window) {
    if ((decisions.get(s.decision) ?? 0) > 1) {
      counts.duplicated.published++;
      counts.details.push(`published twice: ${s.decision}`);
    }
    if (!sinks.rest.has(s.id)) {
      counts.lost.rest++;
      counts.details.push(`not on REST: ${s.id}`);
    }
    if (sinks.restDuplicates.has(s.id)) counts.duplicated.rest++;
    const sse = sinks.sse.get(s.id) ?? 0;
    if (sse === 0) {
      counts.lost.sse++;
      counts.details.push(`not on SSE: ${s.id}`);
    }
    if (sse > 1) counts.duplicated.sse++;
  }

  const expected = replayPositions(state.signals, state.candles);
  const opened = new Map<string, number>();
  const closed = new Map<string, number>();
  for (const e of state.events) (e.type === 'opened' ? opened : closed).set(e.position_id, ((e.type === 'opened' ? opened : closed).get(e.position_id) ?? 0) + 1);
  for (const id of expected.opened.filter((p) => ids.has(p) && !opened.has(p))) {
    counts.lost.positions++;
    counts.details.push(`position never opened: ${id}`);
  }
  for (const c of expected.closed.filter((p) => ids.has(p.id) && !closed.has(p.id))) {
    counts.lost.positions++;
    counts.details.push(`position never closed (${c.reason}): ${c.id}`);
  }
  for (const id of ids) {
    if ((opened.get(id) ?? 0) > 1) counts.duplicated.positions++;
    if ((closed.get(id) ?? 0) > 1) counts.duplicated.positions++;
  }
  const closedInWindow = state.events.filter((e) => e.type === 'closed' && ids.has(e.position_id)).map((e) => (e as { signal_timestamp: string }).signal_timestamp);

  for (const [chat, messages] of messagesByChat) {
    const tg = telegramCounts(messages);
    const repeated = window.filter((s) => (tg.signals.get(s.payload.timestamp) ?? 0) > 1);
    for (const s of window) {
      if (tg.signals.has(s.payload.timestamp)) continue;
      counts.lost.telegram++;
      counts.details.push(`not in chat ${chat}: ${s.id} (${s.payload.timestamp})`);
    }
    for (const ts of closedInWindow) {
      const n = tg.closes.get(ts) ?? 0;
      if (n === 0) {
        counts.lost.closeReports++;
        counts.details.push(`no close report in chat ${chat}: signal ${ts}`);
      }
      if (n > 1) counts.duplicated.closeReports++;
    }
    if (!repeated.length) continue;
    // The first copies of the repeated markers, grouped by the message that carried them.
    const originals = new Set(repeated.map((s) => tg.byMessage.get(s.payload.timestamp)![0]));
    const withinBound = originals.size <= faultEvents && repeated.every((s) => tg.signals.get(s.payload.timestamp) === 2);
    if (withinBound) counts.inFlightRepeats += originals.size;
    else {
      counts.duplicated.telegram += repeated.length;
      counts.details.push(`chat ${chat}: ${repeated.length} signals repeated, from ${originals.size} messages (bound ${faultEvents})`);
    }
  }
  return counts;
}

export function totalLost(c: WindowCounts): number {
  return Object.values(c.lost).reduce((a, b) => a + b, 0);
}

export function totalDuplicated(c: WindowCounts): number {
  return Object.values(c.duplicated).reduce((a, b) => a + b, 0);
}

/** The newest id on `signals` now ('0-0' when empty). */
export async function lastSignalId(redis: Redis): Promise<string> {
  const last = (await redis.xrevrange(STREAMS.signals, '+', '-', 'COUNT', 1)) as [string, string[]][];
  return last[0]?.[0] ?? '0-0';
}

export function sortedIds(ids: Iterable<string>): string[] {
  return [...ids].sort(compareStreamIds);
}
