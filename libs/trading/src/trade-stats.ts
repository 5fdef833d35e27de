/**
 * Running statistics of one series of closed-trade results, in the order trades close, O(1) per
 * trade. The series is whatever the caller scores by: R multiples, or profit in quote currency.
 * A result of exactly 0 (break-even) is neither a win nor a loss but counts as a trade.
 */
export class TradeStats {
  trades = 0;
  wins = 0;
  losses = 0;
  private sum = 0;
  private won = 0;
  private lost = 0;
  private equity = 0;
  private peak = 0;
  private maxDd = 0;

  add(result: number): void {
    this.trades++;
    if (result > 0) {
      this.wins++;
      this.won += result;
    } else if (result < 0) {
      this.losses++;
      this.lost -= result;
    }
    this.sum += result;
    this.equity += result;
    if (this.equity > this.peak) this.peak = this.equity;
    if (this.peak - this.equity > this.maxDd) this.maxDd = this.peak - this.equity;
  }

  /** Wins / trades, 0-1; undefined with no trade. */
  get winRate(): number | undefined {
    return this.trades ? this.wins / this.trades : undefined;
  }

  get average(): number | undefined {
    return this.trades ? this.sum / this.trades : undefined;
  }

  get total(): number {
    return this.sum;
  }

  /** Sum of wins / sum of losses; Infinity with wins and no loss, undefined with neither. */
  get profitFactor(): number | undefined {
    if (this.lost === 0) return this.won > 0 ? Infinity : undefined;
    return this.won / this.lost;
  }

  /** Sum of the winning results (the profit factor's numerator). */
  get grossWon(): number {
    return this.won;
  }

  /** Sum of the losing results, as a positive number (the profit factor's denominator). */
  get grossLost(): number {
    return this.lost;
  }

  /**
   * Expected result per trade: win rate × average win − loss rate × average loss. It equals the
   * average (break-evens add nothing to either side); it is spelled out because traders know it
   * by this name.
   */
  get expectancy(): number | undefined {
    if (!this.trades) return undefined;
    const avgWin = this.wins ? this.won / this.wins : 0;
    const avgLoss = this.losses ? this.lost / this.losses : 0;
    return (this.wins / this.trades) * avgWin - (this.losses / this.trades) * avgLoss;
  }

  /** Largest fall of the cumulative result from a previous peak (the curve starts at 0), as a positive number. */
  get maxDrawdown(): number {
    return this.maxDd;
  }
}
