/** Running statistics of one source's closed trades, O(1) per trade. */
export class BacktestStats {
  signals = 0;
  wins = 0;
  losses = 0;
  /** Trades still open when the data ended (or a data gap voided them); not in the other figures. */
  unresolved = 0;
  private sumR = 0;
  private grossWin = 0;
  private grossLoss = 0;
  private equity = 0;
  private peak = 0;
  private maxDd = 0;

  opened(): void {
    this.signals++;
  }

  /** Record a closed trade, in the order trades close. */
  closed(r: number): void {
    if (r > 0) {
      this.wins++;
      this.grossWin += r;
    } else {
      this.losses++;
      this.grossLoss -= r;
    }
    this.sumR += r;
    this.equity += r;
    if (this.equity > this.peak) this.peak = this.equity;
    if (this.peak - this.equity > this.maxDd) this.maxDd = this.peak - this.equity;
  }

  voided(): void {
    this.unresolved++;
  }

  get closedTrades(): number {
    return this.wins + this.losses;
  }

  /** Wins / closed trades, 0-1; undefined with no closed trade. */
  get winRate(): number | undefined {
    return this.closedTrades ? this.wins / this.closedTrades : undefined;
  }

  get averageR(): number | undefined {
    return this.closedTrades ? this.sumR / this.closedTrades : undefined;
  }

  get totalR(): number {
    return this.sumR;
  }

  /** Gross won R / gross lost R; Infinity with wins and no loss, undefined with neither. */
  get profitFactor(): number | undefined {
    if (this.grossLoss === 0) return this.grossWin > 0 ? Infinity : undefined;
    return this.grossWin / this.grossLoss;
  }

  /** Largest fall of cumulative R from a previous peak (the curve starts at 0), as a positive number. */
  get maxDrawdownR(): number {
    return this.maxDd;
  }
}
