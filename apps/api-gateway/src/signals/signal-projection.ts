import { SIGNAL_SOURCE_LABELS, signalSource, type Signal, type SignalSourceLabel } from '@app/contracts';
import { compareStreamIds, streamIdTime } from '@app/redis-streams';
import { historyItemJson, type SignalRecord, type SignalState } from './signal-record';

export interface SignalProjectionOptions {
  /** A signal leaves "active" this long after Redis stored it. */
  ttlMs: number;
  /** Most active signals kept; older ones beyond it count as expired. Default 50 (the guide's figure). */
  activeMax?: number;
  /** Most signals kept in history, any state. Default 500 (the guide's figure). */
  historyMax?: number;
  /** Epoch ms. Injected so expiry is testable without waiting. */
  now: () => number;
}

/** A list as served: the records (newest first) and their JSON array, built once per change. */
export interface ListView {
  readonly records: readonly SignalRecord[];
  readonly json: string;
}

export interface ProjectionCounters {
  received: number;
  acknowledged: number;
  expired: number;
  superseded: number;
}

export type AckOutcome = 'acknowledged' | 'already_acknowledged' | 'unknown';

type MutableRecord = { -readonly [K in keyof SignalRecord]: SignalRecord[K] };

/** Acks seen for signals not applied yet (the acks stream outran the signals stream). */
const PENDING_ACKS_MAX = 1000;

/**
 * The gateway's read model of the `signals` stream: which signals are active, and the recent
 * history with each signal's state. Pure: no I/O, the clock is injected.
 *
 * A signal leaves "active" when acknowledged, when its TTL passes, when a newer signal for the
 * same symbol and timeframe supersedes it, or when more than `activeMax` newer signals are
 * active. `latest()` also skips any signal older than the newest acknowledged one of its symbol:
 * the guide's C# client dedupes only by "last timestamp seen", so handing it an older signal
 * after it acknowledged a newer one would make it execute a stale trade.
 *
 * Signals must be applied in stream order; a repeated or older id is ignored, which makes a
 * resumed reader idempotent. Lists are serialised once per change and cached, so a GET costs a
 * clock comparison plus, with filters, a join of pre-serialised items.
 */
export class SignalProjection {
  private readonly ttlMs: number;
  private readonly activeMax: number;
  private readonly historyMax: number;
  private readonly now: () => number;

  /** Oldest first. */
  private readonly records: MutableRecord[] = [];
  private readonly byId = new Map<string, MutableRecord>();
  private readonly byTimestamp = new Map<string, MutableRecord>();
  /** `symbol|timeframe` → its one active signal (supersede keeps it at most one). */
  private readonly activeByKey = new Map<string, MutableRecord>();
  private activeCount = 0;
  /** symbol → id of its newest acknowledged signal. */
  private readonly ackedUpTo = new Map<string, string>();
  private readonly pendingAcks = new Map<string, string>();
  private lastAppliedId: string | null = null;
  private paused = false;
  private nextExpiryAt = Infinity;

  private version = 0;
  private activeCache: { version: number; view: ListView } | undefined;
  private historyCache: { version: number; view: ListView } | undefined;
  private latestCache: { version: number; record: SignalRecord | null } | undefined;

  readonly counters: ProjectionCounters = { received: 0, acknowledged: 0, expired: 0, superseded: 0 };
  /** `received` split by `metadata.source`; a signal without one counts as `unknown`. */
  readonly receivedBySource = Object.fromEntries(SIGNAL_SOURCE_LABELS.map((l) => [l, 0])) as Record<SignalSourceLabel, number>;

  constructor(opts: SignalProjectionOptions) {
    this.ttlMs = opts.ttlMs;
    this.activeMax = opts.activeMax ?? 50;
    this.historyMax = opts.historyMax ?? 500;
    this.now = opts.now;
  }

  /** The id of the last signal applied: where a stream reader resumes. */
  get lastId(): string | null {
    return this.lastAppliedId;
  }

  /** When Redis stored the newest signal (epoch ms), or null before the first. */
  get lastSignalAtMs(): number | null {
    return this.records.length ? this.records[this.records.length - 1].storedAtMs : null;
  }

  /**
   * Takes in the next signal of the stream. Returns its record, or null for a repeated or
   * out-of-order id. `superseded` lists the active signals it replaced.
   */
  apply(signal: Signal): { record: SignalRecord; superseded: SignalRecord[] } | null {
    if (this.lastAppliedId !== null && compareStreamIds(signal.id, this.lastAppliedId) <= 0) return null;
    if (this.byTimestamp.has(signal.timestamp)) return null;
    this.lastAppliedId = signal.id;
    const storedAtMs = streamIdTime(signal.id);
    const rec: MutableRecord = {
      signal,
      storedAtMs,
      expiresAtMs: storedAtMs + this.ttlMs,
      state: 'active',
      acknowledgedAt: null,
      json: JSON.stringify(signal),
      historyJson: '',
    };
    this.counters.received++;
    this.receivedBySource[signalSource(signal)]++;
    this.records.push(rec);
    this.byId.set(signal.id, rec);
    this.byTimestamp.set(signal.timestamp, rec);
    this.activeCount++;

    const superseded: SignalRecord[] = [];
    const key = activeKey(signal);
    const previous = this.activeByKey.get(key);
    if (previous) {
      this.leaveActive(previous, 'superseded');
      superseded.push(previous);
    }
    this.activeByKey.set(key, rec);

    const pendingAck = this.pendingAcks.get(signal.id);
    if (pendingAck !== undefined) {
      this.pendingAcks.delete(signal.id);
      this.markAcknowledged(rec, pendingAck);
    } else if (this.paused) {
      this.leaveActive(rec, 'paused');
    } else if (rec.expiresAtMs <= this.now()) {
      this.leaveActive(rec, 'expired');
    } else {
      this.nextExpiryAt = Math.min(this.nextExpiryAt, rec.expiresAtMs);
    }
    if (rec.historyJson === '') rec.historyJson = historyItemJson(signal, rec.state, rec.acknowledgedAt);

    this.enforceActiveCap();
    this.enforceHistoryCap();
    this.version++;
    return { record: rec, superseded };
  }

  /** Whether the kill switch holds signals back (paused or flatten). */
  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * The kill switch. Pausing takes every active signal out of active (state `paused`) and every
   * signal applied until resume arrives paused; resuming revives none of them: a signal held back
   * while the trader said stop is stale by the time they say go.
   */
  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    if (paused) for (const rec of [...this.activeByKey.values()]) this.leaveActive(rec, 'paused');
    this.version++;
  }

  /** The signal with this stream id or timestamp, if still in history. */
  find(ref: { id?: string; timestamp?: string }): SignalRecord | undefined {
    if (ref.id !== undefined) return this.byId.get(ref.id);
    if (ref.timestamp !== undefined) return this.byTimestamp.get(ref.timestamp);
    return undefined;
  }

  /**
   * Marks a signal acknowledged at `acknowledgedAt`, whatever its state (a client may act on a
   * signal just before it expires). An ack for an id newer than any applied signal is kept until
   * that signal arrives; one for an older unknown id (trimmed from history) is dropped.
   */
  ack(id: string, acknowledgedAt: string): AckOutcome {
    const rec = this.byId.get(id);
    if (!rec) {
      if (this.lastAppliedId === null || compareStreamIds(id, this.lastAppliedId) > 0) this.rememberPendingAck(id, acknowledgedAt);
      return 'unknown';
    }
    if (rec.state === 'acknowledged') return 'already_acknowledged';
    this.markAcknowledged(rec, acknowledgedAt);
    this.version++;
    return 'acknowledged';
  }

  /** Active signals, newest first (expired ones dropped first). */
  active(): ListView {
    this.expireDue();
    if (this.activeCache?.version !== this.version) {
      const records: SignalRecord[] = [];
      for (let i = this.records.length - 1; i >= 0; i--) if (this.records[i].state === 'active') records.push(this.records[i]);
      this.activeCache = { version: this.version, view: { records, json: joinJson(records, 'json') } };
    }
    return this.activeCache.view;
  }

  /** The last `historyMax` signals in any state, newest first. */
  history(): ListView {
    this.expireDue();
    if (this.historyCache?.version !== this.version) {
      const records = [...this.records].reverse();
      this.historyCache = { version: this.version, view: { records, json: joinJson(records, 'historyJson') } };
    }
    return this.historyCache.view;
  }

  /** The newest active signal no newer acknowledged signal of its symbol has overtaken, or null. */
  latest(): SignalRecord | null {
    const { records } = this.active();
    if (this.latestCache?.version !== this.version) {
      const record =
        records.find((r) => {
          const acked = this.ackedUpTo.get(r.signal.symbol);
          return acked === undefined || compareStreamIds(r.signal.id, acked) > 0;
        }) ?? null;
      this.latestCache = { version: this.version, record };
    }
    return this.latestCache.record;
  }

  get activeSize(): number {
    this.expireDue();
    return this.activeCount;
  }

  get historySize(): number {
    return this.records.length;
  }

  /** Cheap unless the earliest expiry has passed: one comparison per read. */
  private expireDue(): void {
    const now = this.now();
    if (now < this.nextExpiryAt) return;
    let next = Infinity;
    for (const rec of this.activeByKey.values()) {
      if (rec.expiresAtMs <= now) this.leaveActive(rec, 'expired');
      else next = Math.min(next, rec.expiresAtMs);
    }
    this.nextExpiryAt = next;
    this.version++;
  }

  private markAcknowledged(rec: MutableRecord, acknowledgedAt: string): void {
    if (rec.state === 'active') this.leaveActive(rec, 'acknowledged');
    else this.setState(rec, 'acknowledged');
    rec.acknowledgedAt = acknowledgedAt;
    rec.historyJson = historyItemJson(rec.signal, rec.state, acknowledgedAt);
    this.counters.acknowledged++;
    const prev = this.ackedUpTo.get(rec.signal.symbol);
    if (prev === undefined || compareStreamIds(rec.signal.id, prev) > 0) this.ackedUpTo.set(rec.signal.symbol, rec.signal.id);
  }

  private leaveActive(rec: MutableRecord, state: Exclude<SignalState, 'active'>): void {
    if (rec.state !== 'active') return;
    const key = activeKey(rec.signal);
    if (this.activeByKey.get(key) === rec) this.activeByKey.delete(key);
    this.activeCount--;
    this.setState(rec, state);
  }

  private setState(rec: MutableRecord, state: SignalState): void {
    rec.state = state;
    if (state === 'expired') this.counters.expired++;
    if (state === 'superseded') this.counters.superseded++;
    rec.historyJson = historyItemJson(rec.signal, state, rec.acknowledgedAt);
  }

  private enforceActiveCap(): void {
    for (let i = 0; this.activeCount > this.activeMax && i < this.records.length; i++) {
      if (this.records[i].state === 'active') this.leaveActive(this.records[i], 'expired');
    }
  }

  private enforceHistoryCap(): void {
    while (this.records.length > this.historyMax) {
      const old = this.records.shift()!;
      this.leaveActive(old, 'expired');
      this.byId.delete(old.signal.id);
      this.byTimestamp.delete(old.signal.timestamp);
    }
  }

  private rememberPendingAck(id: string, acknowledgedAt: string): void {
    this.pendingAcks.set(id, acknowledgedAt);
    if (this.pendingAcks.size > PENDING_ACKS_MAX) this.pendingAcks.delete(this.pendingAcks.keys().next().value!);
  }
}

function activeKey(s: Signal): string {
  return `${s.symbol}|${s.timeframe}`;
}

function joinJson(records: readonly SignalRecord[], field: 'json' | 'historyJson'): string {
  return `[${records.map((r) => r[field]).join(',')}]`;
}
