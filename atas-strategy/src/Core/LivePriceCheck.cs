using System;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// The entry is a market order at the live price, not at the signal's entry_price. A signal
    /// that arrives late can find the market far away: sized on entry_price it would risk a
    /// multiple of Risk %, and its stop may even lie on the wrong side. This decides, before any
    /// order, whether the live price is still close enough to the signal to trade it.
    /// </summary>
    public static class LivePriceCheck
    {
        /// <param name="maxDriftStopDistances">How far the live price may be from entry_price, in
        /// multiples of the signal's own stop distance |entry_price − stop_loss|.</param>
        /// <returns>Null when the signal may be traded at <paramref name="live"/>; else the reason.</returns>
        public static string Check(bool isBuy, decimal entryPrice, decimal stopLoss, decimal live, decimal maxDriftStopDistances)
        {
            if (live <= 0) return "no live price for the instrument yet";
            if (isBuy ? live <= stopLoss : live >= stopLoss)
                return "the live price " + live + " is already past the stop " + stopLoss;
            var stopDistance = Math.Abs(entryPrice - stopLoss);
            if (stopDistance <= 0) return "the signal's stop equals its entry price";
            var drift = Math.Abs(live - entryPrice) / stopDistance;
            if (drift > maxDriftStopDistances)
                return string.Format("the live price {0} is {1:0.##} stop distances from the signal's entry {2} (limit {3})",
                                     live, drift, entryPrice, maxDriftStopDistances);
            return null;
        }
    }
}
