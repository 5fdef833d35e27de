/** The gateway's JSON as the dashboard reads it (see apps/api-gateway and libs/contracts). */
export type Direction = 'BUY' | 'SELL';
export type SignalState = 'active' | 'acknowledged' | 'expired' | 'superseded' | 'paused';
export type TradingState = 'enabled' | 'paused' | 'flatten';

export interface Vote {
  strategy: string;
  direction: 'BUY' | 'SELL' | 'NONE';
  confidence: number;
  reason: string;
  /** The weight it was fused with, under the adaptive consensus only. */
  weight?: number;
}

export interface Signal {
  id: string;
  timestamp: string;
  symbol: string;
  direction: Direction;
  entry_price: number;
  stop_loss: number;
  take_profit: number;
  leverage: number;
  signal_strength: number;
  timeframe: string;
  strategy_name: string;
  metadata: {
    consensus_confidence: number;
    strategies_agree: number;
    risk_reward_ratio: number;
    votes?: Vote[];
    candle_time?: string;
    source?: string;
    [k: string]: unknown;
  };
}

/** `/api/signals/history` item. */
export interface HistorySignal extends Signal {
  state: SignalState;
  acknowledged_at: string | null;
}

export interface Candle {
  symbol: string;
  timeframe: string;
  open_time: number;
  close_time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface Position {
  status: 'open' | 'closed';
  position_id: string;
  symbol: string;
  direction: Direction;
  strategy_name: string;
  entry_price: number;
  stop_loss: number;
  take_profit: number;
  opened_at: string;
  source?: string;
  reason?: string;
  exit_price?: number;
  closed_at?: string;
  r_multiple?: number;
  net_r_multiple?: number;
  pnl_pct?: number;
  net_pnl_pct?: number;
}

export interface PerformanceStats {
  trades: number;
  win_rate: number;
  profit_factor: number | null;
  total_r: number;
  average_r: number;
  net_win_rate: number;
  net_profit_factor: number | null;
  net_total_r: number;
  net_average_r: number;
}

export interface Performance {
  overall: PerformanceStats;
  by_strategy: Record<string, PerformanceStats>;
  by_symbol: Record<string, PerformanceStats>;
}

export interface ControlState {
  trading: TradingState;
  since: string;
  by: string;
}
