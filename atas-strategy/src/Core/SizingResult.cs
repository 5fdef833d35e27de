namespace AtasSignalStrategy.Core
{
    /// <summary>A quantity to trade; 0 with <see cref="Reason"/> when no trade should be made.</summary>
    public sealed class SizingResult
    {
        public SizingResult(decimal quantity, decimal riskAmount, string reason)
        {
            Quantity = quantity;
            RiskAmount = riskAmount;
            Reason = reason;
        }

        public decimal Quantity { get; private set; }

        /// <summary>Money lost at the stop with <see cref="Quantity"/> (never above the budget).</summary>
        public decimal RiskAmount { get; private set; }

        /// <summary>Why the quantity is zero or was capped; null for a plain result.</summary>
        public string Reason { get; private set; }

        public bool CanTrade { get { return Quantity > 0; } }
    }
}
