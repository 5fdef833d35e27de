using System;
using System.Threading.Tasks;
using ATAS.DataFeedsCore;
using AtasSignalStrategy.Core;

namespace AtasSignalStrategy
{
    /// <summary>
    /// ATAS's trading events. They run on the trading connection's threads: each only records
    /// and hands work to a task of its own, never sends an order inline, never blocks, and never
    /// lets an exception reach the platform.
    /// </summary>
    public partial class GatewaySignalStrategy
    {
        protected override void OnNewOrder(Order order)
        {
            Guard("OnNewOrder", () => _orderUpdates.Publish(order));
            base.OnNewOrder(order);
        }

        protected override void OnOrderChanged(Order order)
        {
            Guard("OnOrderChanged", () => _orderUpdates.Publish(order));
            base.OnOrderChanged(order);
        }

        protected override void OnOrderRegisterFailed(Order order, string message)
        {
            Guard("OnOrderRegisterFailed", () => RegisterFailed(order, message));
            base.OnOrderRegisterFailed(order, message);
        }

        protected override void OnCurrentPositionChanged()
        {
            Guard("OnCurrentPositionChanged", PositionChanged);
            base.OnCurrentPositionChanged();
        }

        private void RegisterFailed(Order order, string message)
        {
            _orderUpdates.Publish(order);
            if (order == null || order.Comment == null || !order.Comment.StartsWith("gws ", StringComparison.Ordinal)) return;
            NotifyTrader(NoticeLevel.Warning, "order-failed:" + order.Comment, "Order '" + order.Comment + "' was rejected: " + message);
            Order stop;
            lock (_ordersLock) stop = _protectiveStop;
            if (stop == null || !IsOwn(order, stop)) return;
            // The protective stop of an open position was rejected after its sequence ended (a
            // rejection during the sequence is handled there, once). Close from a task of our own.
            Task.Run(() => FlattenAfterStopRejectedAsync(stop, message));
        }

        private async Task FlattenAfterStopRejectedAsync(Order stop, string message)
        {
            try
            {
                await _tradeGate.WaitAsync().ConfigureAwait(false);
                try
                {
                    lock (_ordersLock)
                    {
                        // Handled meanwhile by the order sequence, or replaced.
                        if (!ReferenceEquals(_protectiveStop, stop)) return;
                        _protectiveStop = null;
                    }
                    await FlattenLockedAsync("the protective stop was rejected: " + message, System.Threading.CancellationToken.None).ConfigureAwait(false);
                }
                finally
                {
                    _tradeGate.Release();
                }
            }
            catch (Exception ex)
            {
                NotifyTrader(NoticeLevel.Warning, "stop-failed", "The protective stop was rejected and closing failed (" + ex.Message + "): close the position by hand.");
            }
        }

        private void PositionChanged()
        {
            var position = CurrentPosition;
            bool unexpected;
            lock (_ordersLock)
            {
                if (position == 0)
                {
                    _openSignal = null;
                    _protectiveStop = null;
                }
                // A fill outside an order sequence, e.g. an entry that filled after its cancel.
                unexpected = position != 0 && _openSignal == null && _pendingEntry == null && _executingSignal == null
                             && _tradeGate.CurrentCount > 0;
            }
            if (unexpected)
                NotifyTrader(NoticeLevel.Warning, "unexpected-position", "The strategy holds " + position + " with no stop placed by it: protect or close it by hand.");
        }

        /// <summary>Runs a callback body; whatever it throws is shown, never passed to ATAS.</summary>
        private void Guard(string callback, Action body)
        {
            try
            {
                body();
            }
            catch (Exception ex)
            {
                NotifyTrader(NoticeLevel.Warning, "callback", callback + " failed inside the strategy: " + ex.Message);
            }
        }
    }
}
