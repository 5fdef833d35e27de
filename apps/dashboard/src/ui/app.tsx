import { useCallback, useEffect, useMemo, useReducer, useState } from 'preact/hooks';
import { formatPrice } from '../logic/format';
import { EMPTY_FEED, feedReducer, type FeedItem } from '../logic/signal-feed';
import type { Candle, ControlState, HistorySignal, Performance, Position, Signal } from '../logic/types';
import { getJson, postJson } from './api';
import { CandleChart } from './candle-chart';
import { Controls } from './controls';
import { PerformancePanel } from './performance-panel';
import { PositionsPanel } from './positions-panel';
import { SignalFeed } from './signal-feed';
import { followSignalStream, type StreamStatus } from './signal-stream';
import { SystemPanel } from './system-panel';

/** Positions, prices, health and stats have no stream of their own: they refresh on this beat. */
const REFRESH_MS = 5000;

interface SymbolInfo {
  symbol: string;
  close: number;
}

export function App() {
  const [feed, dispatch] = useReducer(feedReducer, EMPTY_FEED);
  const [stream, setStream] = useState<StreamStatus>('connecting');
  const [control, setControl] = useState<ControlState>();
  const [symbols, setSymbols] = useState<SymbolInfo[]>([]);
  const [symbol, setSymbol] = useState<string>();
  const [candles, setCandles] = useState<Candle[]>([]);
  const [selectedId, setSelectedId] = useState<string>();
  const [open, setOpen] = useState<Position[]>([]);
  const [closed, setClosed] = useState<Position[]>([]);
  const [perf, setPerf] = useState<Performance>();
  const [health, setHealth] = useState<unknown>();
  const [stats, setStats] = useState<Record<string, unknown>>();
  const [error, setError] = useState<string>();
  const [now, setNow] = useState(Date.now());
  const [beat, setBeat] = useState(0);

  const loadHistory = useCallback(() => {
    getJson<{ signals: HistorySignal[] }>('/api/signals/history?limit=500')
      .then((b) => dispatch({ type: 'history', items: b.signals }))
      .catch((e: Error) => setError(e.message));
  }, []);

  // Signals, acks and the kill switch arrive over SSE; history fills in states the stream does not carry.
  useEffect(() => {
    const stop = followSignalStream((e) => {
      if (e.event === 'signal') {
        const s = JSON.parse(e.data) as Signal;
        dispatch({ type: 'signal', signal: s });
        setSymbol((cur) => cur ?? s.symbol);
      } else if (e.event === 'ack') {
        const a = JSON.parse(e.data) as { id: string; acknowledged_at: string };
        dispatch({ type: 'ack', id: a.id, acknowledged_at: a.acknowledged_at });
      } else if (e.event === 'control') {
        setControl(JSON.parse(e.data) as ControlState);
        // Signals made while paused are not streamed: history shows them with state `paused`.
        loadHistory();
      }
    }, setStream);
    loadHistory();
    getJson<ControlState>('/api/control').then(setControl, () => undefined);
    return stop;
  }, [loadHistory]);

  useEffect(() => {
    const t = setInterval(() => {
      setNow(Date.now());
      setBeat((b) => b + 1);
    }, REFRESH_MS);
    return () => clearInterval(t);
  }, []);

  useEffect(() => {
    const ok = <T,>(set: (v: T) => void) => (v: T) => set(v);
    getJson<{ symbols: SymbolInfo[] }>('/api/market/symbols').then((b) => {
      setSymbols(b.symbols);
      setSymbol((cur) => cur ?? b.symbols[0]?.symbol);
    }, () => undefined);
    getJson<{ positions: Position[] }>('/api/positions').then((b) => setOpen(b.positions), () => undefined);
    getJson<{ positions: Position[] }>('/api/positions/history?limit=1000').then((b) => setClosed(b.positions), () => undefined);
    getJson<Performance>('/api/performance').then(ok(setPerf), () => undefined);
    fetch('/api/health').then((r) => r.json()).then(setHealth, () => setHealth(undefined));
    getJson<Record<string, unknown>>('/api/stats').then(ok(setStats), () => undefined);
  }, [beat]);

  useEffect(() => {
    if (!symbol) return;
    getJson<{ candles: Candle[] }>(`/api/market/candles?symbol=${symbol}&limit=300`).then((b) => setCandles(b.candles), () => setCandles([]));
  }, [symbol, beat, feed.items.length]);

  const prices = useMemo(() => Object.fromEntries(symbols.map((s) => [s.symbol, s.close])), [symbols]);
  const symbolSignals = useMemo(() => feed.items.filter((s) => s.symbol === symbol), [feed.items, symbol]);
  const selected = symbolSignals.find((s) => s.id === selectedId) ?? symbolSignals[0];
  const allSymbols = useMemo(() => [...new Set([...symbols.map((s) => s.symbol), ...feed.items.map((s) => s.symbol)])].sort(), [symbols, feed.items]);

  const act = (action: 'pause' | 'resume' | 'flatten') =>
    postJson<ControlState>(`/api/control/${action}`, { by: 'dashboard' }).then(setControl, (e: Error) => setError(`${action}: ${e.message}`));
  const closePosition = (p: Position) => {
    if (!confirm(`Close ${p.symbol} ${p.direction} at market?`)) return;
    postJson(`/api/positions/${p.position_id}/close`).then(() => setBeat((b) => b + 1), (e: Error) => setError(`close: ${e.message}`));
  };
  const select = (s: FeedItem) => {
    setSymbol(s.symbol);
    setSelectedId(s.id);
  };

  return (
    <div class="app">
      <header>
        <h1>
          Signal Platform <span class={`dot ${stream}`} title={`signal stream: ${stream}`} />
        </h1>
        <Controls control={control} onAction={(a) => void act(a)} />
      </header>
      {error ? (
        <div class="error" onClick={() => setError(undefined)}>
          {error}
        </div>
      ) : null}
      <main>
        <section class="panel chart-panel">
          <div class="panel-head">
            <div class="tabs">
              {allSymbols.map((s) => (
                <button key={s} class={`tab ${s === symbol ? 'on' : ''}`} onClick={() => setSymbol(s)}>
                  {s}
                  {prices[s] ? <small> {formatPrice(prices[s])}</small> : null}
                </button>
              ))}
            </div>
          </div>
          <CandleChart candles={candles} signals={symbolSignals} selected={selected} />
        </section>
        <section class="panel feed-panel">
          <div class="panel-head">
            Signals <small>{feed.items.length}</small>
          </div>
          <SignalFeed items={feed.items} selectedId={selected?.id} onSelect={select} now={now} />
        </section>
        <section class="panel positions-panel">
          <div class="panel-head">Positions</div>
          <PositionsPanel open={open} closed={closed} prices={prices} now={now} onClose={closePosition} />
        </section>
        <section class="panel perf-panel">
          <div class="panel-head">Performance (R after fees)</div>
          <PerformancePanel perf={perf} closed={closed} />
        </section>
        <section class="panel system-panel">
          <div class="panel-head">System</div>
          <SystemPanel health={health} stats={stats} stream={stream} />
        </section>
      </main>
    </div>
  );
}
