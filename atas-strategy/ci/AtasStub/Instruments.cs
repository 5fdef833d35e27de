// Mirrors the ATAS.DataFeedsCore instrument and account types listed in shared/ATAS-API.md. Compile-only.
namespace ATAS.DataFeedsCore
{
    public class Security
    {
        public string SecurityId { get; set; }
        public string Code { get; set; }
        public string Exchange { get; set; }
        public decimal TickSize { get; set; }
        public decimal TickCost { get; set; }
        public decimal LotSize { get; set; }
        /// <summary>Null on many connectors: no limit.</summary>
        public decimal? LotMinSize { get; set; }
        /// <summary>Null on many connectors: no limit.</summary>
        public decimal? LotMaxSize { get; set; }
        public decimal BestBidPrice { get; set; }
        public decimal BestAskPrice { get; set; }
        /// <summary>Null until the first tick.</summary>
        public decimal? LastTradePrice { get; set; }
        public decimal? MarkPrice { get; set; }
    }

    public class Portfolio
    {
        // Not in shared/ATAS-API.md (an assumption named in the README): docs.atas.net,
        // ATAS.DataFeedsCore.Portfolio.Balance, "the total available funds that the user can use
        // right now to make an order".
        public decimal Balance { get; set; }

        // Not in shared/ATAS-API.md either, which names Connector.IsSupportedServerOCO and
        // IsSupportedStopOrders but not how a strategy reaches the connector (README assumption).
        public IDataFeedConnector Connector { get; set; }
    }

    /// <summary>Only the two feature flags of shared/ATAS-API.md ("Connector features").</summary>
    public interface IDataFeedConnector
    {
        bool IsSupportedServerOCO { get; }
        bool IsSupportedStopOrders { get; }
    }

    public class MyTrade { }

    public class Position { }
}
