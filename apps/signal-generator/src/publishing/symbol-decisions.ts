import type { Candle, ProducedSignal } from '@app/contracts';

/** One feed candle's decision: the candle and the signals made on it, published together. */
export interface Decision {
  candle: Candle;
  signals: ProducedSignal[];
  /** When the feed delivered the candle (the replay's latency clock). */
  deliveredAt: number;
}

/** A decision to publish now, under the ownership epoch of its symbol it was handed out in. */
export interface Handout {
  decision: Decision;
  epoch: number;
}

interface SymbolState {
  held: boolean;
  /** Changes on every take and every loss. */
  epoch: number;
  /** Open time of the last candle known to be on the streams (the symbol's checkpoint). */
  checkpoint: number;
  /** Decisions after `checkpoint` not yet known to be on the streams, oldest first. */
  pending: Decision[];
}

/**
 * Which symbols this replica publishes, and per symbol the decisions it made that are not yet
 * known to be on the streams.
 *
 * Why: every replica decides every candle (a warm standby), but only the holder of a symbol's
 * shard publishes it. A standby keeps its decisions until the symbol's checkpoint (the holder's
 * progress, read at each lease tick) passes them, so a replica taking a symbol over publishes
 * from the next undecided candle: what the holder left undone is not lost, what it did is not
 * repeated (and the atomic publish refuses a repeat anyway). The epoch guards the order within
 * this process: a publish handed out before the symbol was lost (and perhaps taken again) must
 * not run, or it could go out before an older decision handed out again by the take.
 *
 * `maxPerSymbol` bounds a standby's memory when the holder makes no progress (stuck, or far
 * behind in a replay): the oldest decisions are dropped and counted, and a takeover then could
 * not publish them (a gap, never a repeat).
 */
export class SymbolDecisions {
  private readonly symbols = new Map<string, SymbolState>();

  constructor(private readonly maxPerSymbol: number) {
    if (!Number.isInteger(maxPerSymbol) || maxPerSymbol < 1) throw new Error(`symbol decisions: maxPerSymbol must be a positive integer, got ${maxPerSymbol}`);
  }

  /** The open time of the symbol's last candle known to be on the streams (-Infinity: none). */
  checkpoint(symbol: string): number {
    return this.state(symbol).checkpoint;
  }

  /**
   * Records a decision on a candle after the checkpoint; when the symbol is held, returns it to
   * publish now. `dropped`: the oldest decisions given up to stay within `maxPerSymbol`.
   */
  add(decision: Decision): { publish: Handout | undefined; dropped: number } {
    const s = this.state(decision.candle.symbol);
    s.pending.push(decision);
    const dropped = Math.max(0, s.pending.length - this.maxPerSymbol);
    if (dropped) s.pending.splice(0, dropped);
    return { publish: s.held ? { decision, epoch: s.epoch } : undefined, dropped };
  }

  /** This replica published the candle (or found it already published): forgets it and what came before. */
  published(symbol: string, openTime: number): void {
    this.settle(this.state(symbol), openTime);
  }

  /**
   * The checkpoint read from Redis: the decisions at or before it are on the streams, published
   * by whoever held the symbol. Returns how many this replica forgets for that reason.
   */
  settled(symbol: string, checkpoint: number | undefined): number {
    return checkpoint === undefined ? 0 : this.settle(this.state(symbol), checkpoint);
  }

  /**
   * The symbol is this replica's from now on (its shard was taken), `checkpoint` read after the
   * take: returns the decisions after it, in order, to publish now, and how many were forgotten
   * as already published.
   */
  take(symbol: string, checkpoint: number | undefined): { publish: Handout[]; settled: number } {
    const s = this.state(symbol);
    const settled = checkpoint === undefined ? 0 : this.settle(s, checkpoint);
    s.held = true;
    s.epoch++;
    return { publish: s.pending.map((decision) => ({ decision, epoch: s.epoch })), settled };
  }

  /** The symbol's shard is gone (released, expired, or a publish was fenced). True if it was held. */
  lose(symbol: string): boolean {
    const s = this.state(symbol);
    if (!s.held) return false;
    s.held = false;
    s.epoch++;
    return true;
  }

  isHeld(symbol: string): boolean {
    return this.state(symbol).held;
  }

  /** Whether a handout may still be published: its symbol is held in the same epoch. */
  isCurrent(h: Handout): boolean {
    const s = this.state(h.decision.candle.symbol);
    return s.held && s.epoch === h.epoch;
  }

  /** Symbols held now, in the order first seen. */
  held(): string[] {
    return [...this.symbols].filter(([, s]) => s.held).map(([symbol]) => symbol);
  }

  /** Symbols with decisions not yet known to be on the streams. */
  unsettled(): string[] {
    return [...this.symbols].filter(([, s]) => s.pending.length > 0).map(([symbol]) => symbol);
  }

  /** Decisions not yet known to be on the streams, every symbol together. */
  pendingCount(): number {
    let n = 0;
    for (const s of this.symbols.values()) n += s.pending.length;
    return n;
  }

  private settle(s: SymbolState, checkpoint: number): number {
    if (checkpoint > s.checkpoint) s.checkpoint = checkpoint;
    let n = 0;
    while (n < s.pending.length && s.pending[n].candle.open_time <= checkpoint) n++;
    if (n) s.pending.splice(0, n);
    return n;
  }

  private state(symbol: string): SymbolState {
    let s = this.symbols.get(symbol);
    if (!s) this.symbols.set(symbol, (s = { held: false, epoch: 0, checkpoint: -Infinity, pending: [] }));
    return s;
  }
}
