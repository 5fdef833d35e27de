/** How stops, targets and leverage are set. */
export interface RiskParams {
  /** Stop distance in ATRs. Default 1.5. */
  slAtrMult: number;
  /** Target distance in ATRs (raised to meet `minRr`). Default 3. */
  tpAtrMult: number;
  /** ATR period. Default 14. */
  atrPeriod: number;
  /** Stop distance floor and cap, percent of entry. Defaults 0.15 and 1.5. */
  slMinPct: number;
  slMaxPct: number;
  /** Target distance floor and cap, percent of entry. Defaults 0.2 and 4. */
  tpMinPct: number;
  tpMaxPct: number;
  /** Minimum reward/risk; a signal that cannot reach it (caps, ticks) is dropped. Default 1.5. */
  minRr: number;
  /** Leverage to advertise. Default 10. */
  leverage: number;
  /** Leverage cap. Default 20. */
  maxLeverage: number;
}

export const DEFAULT_RISK_PARAMS: RiskParams = {
  slAtrMult: 1.5,
  tpAtrMult: 3,
  atrPeriod: 14,
  slMinPct: 0.15,
  slMaxPct: 1.5,
  tpMinPct: 0.2,
  tpMaxPct: 4,
  minRr: 1.5,
  leverage: 10,
  maxLeverage: 20,
};
