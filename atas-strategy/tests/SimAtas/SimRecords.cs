using System;
using ATAS.DataFeedsCore;

namespace AtasSim
{
    /// <summary>One instruction the strategy gave the platform, with what a trader would check afterwards.</summary>
    public sealed class SentOrder
    {
        public Order Order;
        public DateTime At;
        /// <summary>Sent from inside a trading callback (on the trading thread): what ATAS forbids.</summary>
        public bool FromCallback;
    }

    public sealed class CancelRequest
    {
        public Order Order;
        public DateTime At;
        /// <summary>The account position when the cancel was asked for.</summary>
        public decimal PositionAtRequest;
    }

    public sealed class SimReduceOnly : OrderExtendedOptions, IOrderOptionReduceOnly
    {
        public bool ReduceOnly { get; set; }
    }
}
