namespace AtasSignalStrategy.Core
{
    /// <summary>Everything <see cref="PositionSizer"/> needs; all amounts in the account currency.</summary>
    public sealed class SizingInput
    {
        /// <summary>Funds the risk is a share of (ATAS Portfolio.Balance).</summary>
        public decimal Balance { get; set; }

        /// <summary>Percent of <see cref="Balance"/> lost if the stop is hit, e.g. 1 for 1 %.</summary>
        public decimal RiskPercent { get; set; }

        public decimal EntryPrice { get; set; }
        public decimal StopPrice { get; set; }

        /// <summary>Quantity increment (Security.LotSize). 0: use <see cref="MinQuantity"/>, else 1.</summary>
        public decimal LotStep { get; set; }

        /// <summary>Smallest allowed quantity (Security.LotMinSize); 0 when unknown.</summary>
        public decimal MinQuantity { get; set; }

        /// <summary>Largest allowed quantity (Security.LotMaxSize, or a user cap); 0 = no limit.</summary>
        public decimal MaxQuantity { get; set; }

        /// <summary>
        /// Money one unit of quantity gains or loses per 1.0 of price (TickCost / TickSize);
        /// 1 for linear crypto contracts quoted in the account currency. Default 1.
        /// </summary>
        public decimal ValuePerPoint { get; set; }

        /// <summary>
        /// Cap on quantity × entry × <see cref="ValuePerPoint"/>, e.g. balance × leverage; 0 = none.
        /// A very tight stop must not turn into a position the account cannot carry.
        /// </summary>
        public decimal MaxNotional { get; set; }

        public SizingInput()
        {
            ValuePerPoint = 1m;
        }
    }
}
