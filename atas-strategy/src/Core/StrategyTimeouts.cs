using System;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// How long the strategy waits for the platform. Every wait on ATAS is bounded: an order
    /// method is an instruction whose result arrives later, or never.
    /// </summary>
    public sealed class StrategyTimeouts
    {
        public StrategyTimeouts()
        {
            EntryFill = TimeSpan.FromSeconds(15);
            OrderAccepted = TimeSpan.FromSeconds(10);
            PositionUpdate = TimeSpan.FromSeconds(3);
            FlatConfirm = TimeSpan.FromSeconds(10);
            OnStoppingBudget = TimeSpan.FromSeconds(3);
        }

        /// <summary>A market entry not filled by then is cancelled. Default 15 s.</summary>
        public TimeSpan EntryFill { get; set; }

        /// <summary>An order still in state None after this was never sent by ATAS: it stops counting as working. Default 10 s.</summary>
        public TimeSpan OrderAccepted { get; set; }

        /// <summary>ATAS updates CurrentPosition a moment after the fill. Default 3 s.</summary>
        public TimeSpan PositionUpdate { get; set; }

        /// <summary>After a close order, how long to wait for the position to show flat before telling the trader. Default 10 s.</summary>
        public TimeSpan FlatConfirm { get; set; }

        /// <summary>The longest OnStopping may hold ATAS's thread. Default 3 s.</summary>
        public TimeSpan OnStoppingBudget { get; set; }

        public StrategyTimeouts Clone()
        {
            return (StrategyTimeouts)MemberwiseClone();
        }
    }
}
