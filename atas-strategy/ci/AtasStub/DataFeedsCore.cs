// Mirrors the ATAS.DataFeedsCore types listed in shared/ATAS-API.md. Compile-only.
namespace ATAS.DataFeedsCore
{
    public enum OrderTypes { Limit = 0, Market = 1, Stop = 2, StopLimit = 3 }

    public enum OrderDirections { Buy = 0, Sell }

    public enum OrderStates { None = 0, Active = 1, Done = 2, Failed = 3 }

    public class Order
    {
        public Security Security { get; set; }
        public Portfolio Portfolio { get; set; }
        public string AccountID { get; set; }
        public OrderTypes Type { get; set; }
        public OrderDirections Direction { get; set; }
        public decimal QuantityToFill { get; set; }
        public decimal Price { get; set; }
        public decimal TriggerPrice { get; set; }
        public decimal Unfilled { get; set; }
        public string OCOGroup { get; set; }
        public bool AutoCancel { get; set; }
        public string Comment { get; set; }
        public OrderStates State { get; set; }
        public bool Canceled { get; set; }
        public string Id { get; set; }
        public OrderExtendedOptions ExtendedOptions { get; set; }
    }

    /// <summary>Opaque here: the strategy only passes it along and tests it for IOrderOptionReduceOnly.</summary>
    public class OrderExtendedOptions { }

    public interface IOrderOptionReduceOnly
    {
        bool ReduceOnly { get; set; }
    }

    public interface ISecurityTradingOptions
    {
        OrderExtendedOptions CreateMarketOrderFlagsObject();
    }

    public class Security
    {
        public string SecurityId { get; set; }
        public string Code { get; set; }
        public string Exchange { get; set; }
        public decimal TickSize { get; set; }
        public decimal TickCost { get; set; }
        public decimal LotSize { get; set; }
        public decimal LotMinSize { get; set; }
        public decimal LotMaxSize { get; set; }
    }

    public class Portfolio
    {
        // Not in shared/ATAS-API.md: docs.atas.net, ATAS.DataFeedsCore.Portfolio.Balance,
        // "the total available funds that the user can use right now to make an order".
        public decimal Balance { get; set; }
    }

    public class MyTrade { }

    public class Position { }
}
