using System;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// Quantity from a risk budget: (balance × risk %) / (stop distance × value per point).
    /// Every adjustment rounds DOWN, so rounding can only lower the risk, never raise it; a size
    /// below the instrument's minimum means no trade, never the minimum.
    /// </summary>
    public static class PositionSizer
    {
        public static SizingResult Size(SizingInput input)
        {
            if (input == null) throw new ArgumentNullException("input");
            try
            {
                return SizeChecked(input);
            }
            catch (OverflowException)
            {
                return Zero("the size overflows: check the balance, prices and lot sizes");
            }
        }

        private static SizingResult SizeChecked(SizingInput input)
        {
            if (input.Balance <= 0) return Zero("the balance is " + input.Balance + ": nothing to risk");
            if (input.RiskPercent <= 0 || input.RiskPercent > 100) return Zero("risk % must be above 0 and at most 100, got " + input.RiskPercent);
            if (input.EntryPrice <= 0 || input.StopPrice <= 0) return Zero("entry and stop prices must be positive");
            if (input.ValuePerPoint <= 0) return Zero("value per point must be positive, got " + input.ValuePerPoint);
            if (input.MaxQuantity < 0 || input.MinQuantity < 0 || input.LotStep < 0) return Zero("lot sizes must not be negative");
            var distance = Math.Abs(input.EntryPrice - input.StopPrice);
            if (distance == 0) return Zero("the stop equals the entry price: the risk per unit is zero");

            var step = input.LotStep > 0 ? input.LotStep : input.MinQuantity > 0 ? input.MinQuantity : 1m;
            var budget = input.Balance * input.RiskPercent / 100m;
            var lossPerUnit = distance * input.ValuePerPoint;
            var quantity = RoundDown(budget / lossPerUnit, step);
            string reason = null;

            if (input.MaxNotional > 0)
            {
                var notionalCap = RoundDown(input.MaxNotional / (input.EntryPrice * input.ValuePerPoint), step);
                if (quantity > notionalCap)
                {
                    quantity = notionalCap;
                    reason = "capped by the notional limit " + input.MaxNotional;
                }
            }
            if (input.MaxQuantity > 0 && quantity > input.MaxQuantity)
            {
                quantity = RoundDown(input.MaxQuantity, step);
                reason = "capped at the maximum quantity " + input.MaxQuantity;
            }
            if (quantity <= 0 || (input.MinQuantity > 0 && quantity < input.MinQuantity))
            {
                return Zero("the risk budget " + budget + " buys " + quantity + ", below the minimum " +
                            Math.Max(input.MinQuantity, step) + " for a stop distance of " + distance);
            }
            return new SizingResult(quantity, quantity * lossPerUnit, reason);
        }

        /// <summary>The largest multiple of <paramref name="step"/> not above <paramref name="value"/>.</summary>
        public static decimal RoundDown(decimal value, decimal step)
        {
            if (step <= 0) throw new ArgumentOutOfRangeException("step", "step must be positive");
            if (value <= 0) return 0m;
            var units = decimal.Floor(value / step);
            return units * step;
        }

        private static SizingResult Zero(string reason)
        {
            return new SizingResult(0m, 0m, reason);
        }
    }
}
