namespace AtasSignalStrategy.Core
{
    /// <summary>Refuses signals whose numbers cannot be traded as a bracket.</summary>
    public static class SignalValidator
    {
        /// <summary>Null when the signal is well-formed, else the first problem found.</summary>
        public static string Validate(SignalDto s)
        {
            if (s == null) return "signal is empty";
            if (string.IsNullOrEmpty(s.Timestamp)) return "timestamp is missing";
            if (string.IsNullOrEmpty(s.Symbol)) return "symbol is missing";
            if (s.Direction != "BUY" && s.Direction != "SELL") return "direction must be BUY or SELL, got '" + s.Direction + "'";
            if (s.EntryPrice <= 0) return "entry_price must be positive, got " + s.EntryPrice;
            if (s.StopLoss <= 0) return "stop_loss must be positive, got " + s.StopLoss;
            if (s.TakeProfit <= 0) return "take_profit must be positive, got " + s.TakeProfit;
            if (s.IsBuy)
            {
                if (s.StopLoss >= s.EntryPrice) return "stop_loss " + s.StopLoss + " must be below entry " + s.EntryPrice + " for a BUY";
                if (s.TakeProfit <= s.EntryPrice) return "take_profit " + s.TakeProfit + " must be above entry " + s.EntryPrice + " for a BUY";
            }
            else
            {
                if (s.StopLoss <= s.EntryPrice) return "stop_loss " + s.StopLoss + " must be above entry " + s.EntryPrice + " for a SELL";
                if (s.TakeProfit >= s.EntryPrice) return "take_profit " + s.TakeProfit + " must be below entry " + s.EntryPrice + " for a SELL";
            }
            return null;
        }

        /// <summary>
        /// After the entry filled at <paramref name="fillPrice"/>: null when the stop is still on
        /// the losing side of the fill, else why the position must be closed at once (a stop the
        /// price has already passed would trigger at once or be refused, leaving it unprotected).
        /// </summary>
        public static string CheckStopAfterFill(bool isBuy, decimal fillPrice, decimal stopPrice)
        {
            if (fillPrice <= 0) return null; // unknown fill price: nothing to compare
            if (isBuy && stopPrice >= fillPrice) return "filled at " + fillPrice + ", at or below the stop " + stopPrice;
            if (!isBuy && stopPrice <= fillPrice) return "filled at " + fillPrice + ", at or above the stop " + stopPrice;
            return null;
        }
    }
}
