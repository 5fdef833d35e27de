import { ConfigError } from '@app/config';
import { loadConfig } from './config';

describe('position-closer config', () => {
  it('defaults: port 9102, 1000 USDT per position, 60 min max hold', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 9102, sizing: { kind: 'notional', notional: 1000 }, maxHoldMs: 3_600_000 });
  });

  it('sizes by risk when RISK_PCT and ACCOUNT_BALANCE are set, and takes fractional minutes', () => {
    const c = loadConfig({ RISK_PCT: '1.5', ACCOUNT_BALANCE: '20000', MAX_HOLD_MINUTES: '0.01' });
    expect(c.sizing).toEqual({ kind: 'risk', riskPct: 1.5, accountBalance: 20_000 });
    expect(c.maxHoldMs).toBe(600);
  });

  it('prices costs at Binance USDT-M VIP 0 by default, and from TAKER_FEE_BPS, MAKER_FEE_BPS, SLIPPAGE_TICKS', () => {
    expect(loadConfig({}).costs).toEqual({ takerFeeBps: 5, makerFeeBps: 2, slippageTicks: 1 });
    expect(loadConfig({ TAKER_FEE_BPS: '4.5', MAKER_FEE_BPS: '0', SLIPPAGE_TICKS: '2' }).costs).toEqual({ takerFeeBps: 4.5, makerFeeBps: 0, slippageTicks: 2 });
    expect(() => loadConfig({ TAKER_FEE_BPS: '-1' })).toThrow(/TAKER_FEE_BPS/);
  });

  it('keeps 10,000 closed positions on the positions stream by default, POSITIONS_HISTORY_MAX otherwise', () => {
    expect(loadConfig({}).positionsHistoryMax).toBe(10_000);
    expect(loadConfig({ POSITIONS_HISTORY_MAX: '50' }).positionsHistoryMax).toBe(50);
    expect(() => loadConfig({ POSITIONS_HISTORY_MAX: '0' })).toThrow(/POSITIONS_HISTORY_MAX/);
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ RISK_PCT: '2' })).toThrow(/ACCOUNT_BALANCE is required when RISK_PCT is set/);
    expect(() => loadConfig({ MAX_HOLD_MINUTES: '-5' })).toThrow(/MAX_HOLD_MINUTES/);
    expect(() => loadConfig({ POSITION_NOTIONAL: 'lots' })).toThrow(/POSITION_NOTIONAL/);
    expect(() => loadConfig({ REDIS_URL: 'http://x' })).toThrow(ConfigError);
  });

  it('keeps a Redis password out of the error text', () => {
    try {
      loadConfig({ REDIS_URL: 'redis://:hunter2secret@127.0.0.1:6379', PORT: 'x' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT/);
      expect((err as Error).message).not.toContain('hunter2secret');
    }
  });
});
