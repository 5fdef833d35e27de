using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ATAS.DataFeedsCore;
using AtasSignalStrategy.Core;

namespace AtasSignalStrategy
{
    /// <summary>The strategy's own orders: creation, sending, cancelling, and waiting for ATAS to report on them.</summary>
    public partial class GatewaySignalStrategy
    {
        private readonly object _ordersLock = new object();
        // Each own order with the time it was created: one still None long after that was never sent.
        private readonly Dictionary<Order, DateTime> _ownOrders = new Dictionary<Order, DateTime>();
        private readonly CompletionWaiters<Order> _orderUpdates = new CompletionWaiters<Order>();

        private Order NewOrder(OrderDirections direction, OrderTypes type, decimal quantity, string comment)
        {
            var order = new Order
            {
                Portfolio = Portfolio,
                Security = Security,
                Direction = direction,
                Type = type,
                QuantityToFill = quantity,
                Comment = comment,
            };
            lock (_ordersLock) _ownOrders[order] = DateTime.UtcNow;
            return order;
        }

        private Order CloseOrder(decimal position)
        {
            var close = NewOrder(position > 0 ? OrderDirections.Sell : OrderDirections.Buy, OrderTypes.Market, Math.Abs(position), "gws close");
            // Reduce-only where the connector supports it: a close racing the stop must not reverse the position.
            try
            {
                var manager = TradingManager;
                var options = manager == null ? null : manager.GetSecurityTradingOptions();
                var flags = options == null ? null : options.CreateMarketOrderFlagsObject();
                var reduceOnly = (object)flags as IOrderOptionReduceOnly;
                if (reduceOnly != null)
                {
                    reduceOnly.ReduceOnly = true;
                    close.ExtendedOptions = flags;
                }
            }
            catch (Exception)
            {
                // No reduce-only on this connector: a plain market close is still the right order.
            }
            return close;
        }

        /// <summary>OpenOrderAsync; an order it refused is forgotten, so it never counts as "still working".</summary>
        private async Task SendAsync(Order order)
        {
            try
            {
                await OpenOrderAsync(order).ConfigureAwait(false);
            }
            catch
            {
                Forget(order);
                throw;
            }
        }

        private async Task TryCancelAsync(Order order)
        {
            try
            {
                await CancelOrderAsync(order).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                NotifyTrader(NoticeLevel.Warning, "cancel", "Cancelling order '" + order.Comment + "' failed: " + ex.Message);
            }
        }

        private void Forget(Order order)
        {
            lock (_ordersLock) _ownOrders.Remove(order);
        }

        /// <summary>
        /// Own orders still working. An order ATAS never sent stays None forever: after
        /// <see cref="StrategyTimeouts.OrderAccepted"/> it is dropped (and the trader told), so it
        /// cannot block every later signal.
        /// </summary>
        private List<Order> ActiveOwnOrders()
        {
            var neverSent = new List<Order>();
            List<Order> active;
            lock (_ordersLock)
            {
                var cutoff = DateTime.UtcNow - _timeouts.OrderAccepted;
                foreach (var pair in _ownOrders.ToList())
                {
                    var state = pair.Key.State;
                    if (state == OrderStates.Done || state == OrderStates.Failed) _ownOrders.Remove(pair.Key);
                    else if (state == OrderStates.None && pair.Value < cutoff)
                    {
                        _ownOrders.Remove(pair.Key);
                        neverSent.Add(pair.Key);
                    }
                }
                active = _ownOrders.Keys.ToList();
            }
            foreach (var order in neverSent)
                NotifyTrader(NoticeLevel.Warning, "never-sent:" + order.Comment, "Order '" + order.Comment + "' was never sent by ATAS (still None after "
                    + _timeouts.OrderAccepted.TotalSeconds + " s); it no longer counts as working.");
            return active;
        }

        private static bool IsFinal(Order order)
        {
            return order.State == OrderStates.Done || order.State == OrderStates.Failed;
        }

        private static decimal FilledQuantity(Order order)
        {
            if (order.State == OrderStates.Failed || order.State == OrderStates.None) return 0m;
            var filled = order.QuantityToFill - order.Unfilled;
            return filled > 0 ? filled : 0m;
        }

        private static string Tag(SignalDto signal, string role)
        {
            return "gws " + (signal.Id ?? signal.Timestamp) + " " + role;
        }

        private static bool IsOwn(Order order, Order own)
        {
            return order != null && (ReferenceEquals(order, own) || (!string.IsNullOrEmpty(order.Comment) && order.Comment == own.Comment));
        }

        /// <summary>True once <paramref name="condition"/> holds for the order (as the trading events report it); false after the timeout.</summary>
        private async Task<bool> WaitOrderAsync(Order order, Func<Order, bool> condition, TimeSpan timeout, CancellationToken ct)
        {
            var got = await _orderUpdates.WaitAsync(o => IsOwn(o, order) && condition(order), timeout, ct,
                                                    () => condition(order) ? order : null).ConfigureAwait(false);
            return got != null || condition(order);
        }

        /// <summary>Polls a platform property (the position) that has no per-order event; bounded.</summary>
        private static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken ct)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!condition())
            {
                if (DateTime.UtcNow >= deadline) return false;
                await Task.Delay(20, ct).ConfigureAwait(false);
            }
            return true;
        }
    }
}
