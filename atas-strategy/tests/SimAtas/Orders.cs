// The simulated runtime's order types: the surface of ci/AtasStub/Orders.cs (shared/ATAS-API.md),
// with internal setters the simulated trading connection uses. Test-only.
using System;

namespace ATAS.DataFeedsCore
{
    public enum OrderTypes { Limit = 0, Market = 1, Stop = 2, StopLimit = 3, Unknown }

    public enum OrderDirections { Buy = 0, Sell }

    public enum OrderStates { None = 0, Active = 1, Done = 2, Failed = 3 }

    public enum OrderStatus { None = 0, Placed = 1, Filled = 2, PartlyFilled = 3, Canceled = 4 }

    [Flags]
    public enum TimeInForce { GoodTillCancel = 0, FillOrKill = 1, ImmediateOrCancel = 2, Day = 4 }

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
        public TimeInForce TimeInForce { get; set; }
        public DateTime? ExpiryDate { get; set; }
        public string OCOGroup { get; set; }
        public bool AutoCancel { get; set; }
        public string Comment { get; set; }
        public OrderStates State { get; set; }
        public bool Canceled { get; internal set; }
        public string Id { get; set; }
        public OrderExtendedOptions ExtendedOptions { get; set; }
    }

    public static class OrderExtensions
    {
        public static OrderStatus Status(this Order order)
        {
            if (order.Canceled) return OrderStatus.Canceled;
            if (order.State == OrderStates.Done) return OrderStatus.Filled;
            if (order.State == OrderStates.Active) return order.Unfilled < order.QuantityToFill ? OrderStatus.PartlyFilled : OrderStatus.Placed;
            return OrderStatus.None;
        }
    }

    public class OrderExtendedOptions { }

    public interface IOrderOptionReduceOnly
    {
        bool ReduceOnly { get; set; }
    }

    public interface ISecurityTradingOptions
    {
        OrderExtendedOptions CreateMarketOrderFlagsObject();
    }
}
