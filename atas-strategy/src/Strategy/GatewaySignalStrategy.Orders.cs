using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ATAS.DataFeedsCore;
using AtasSignalStrategy.Core;

namespace AtasSignalStrategy
{
    public partial class GatewaySignalStrategy
    {
        private static readonly TimeSpan EntryFillTimeout = TimeSpan.FromSeconds(15);
        private static readonly TimeSpan PositionUpdateWait = TimeSpan.FromSeconds(3);

        /// <summary>One order sequence at a time: entry+bracket, a close request, the stop flatten.</summary>
        private readonly SemaphoreSlim _tradeGate = new SemaphoreSlim(1, 1);

        private readonly object _ordersLock = new object();
        private readonly List<Order> _ownOrders = new List<Order>();
        private readonly List<KeyValuePair<Order, TaskCompletionSource<Order>>> _waiters = new List<KeyValuePair<Order, TaskCompletionSource<Order>>>();
        private Order _pendingEntry;
        private Order _protectiveStop;
        private SignalDto _openSignal;

        /// <summary>The signal whose position is open, or null.</summary>
        private SignalDto OpenSignal
        {
            get { lock (_ordersLock) return _openSignal; }
            set { lock (_ordersLock) _openSignal = value; }
        }

        /// <summary>The ATAS side of <see cref="SignalPipeline"/>.</summary>
        private sealed class AtasExecutor : ISignalExecutor
        {
            private readonly GatewaySignalStrategy _s;

            public AtasExecutor(GatewaySignalStrategy strategy)
            {
                _s = strategy;
            }

            public string NotReadyReason()
            {
                if (_s._stopping) return "the strategy is stopping";
                if (!_s._live) return "waiting for the live bar (history is still loading)";
                if (_s.Security == null) return "the chart has no instrument";
                if (_s._run.AutoTrade && _s.Portfolio == null) return "no trading account is selected";
                return null;
            }

            public Task<ExecutionResult> ExecuteAsync(SignalDto signal, CancellationToken ct)
            {
                return _s.ExecuteSignalAsync(signal, ct);
            }
        }

        private async Task<ExecutionResult> ExecuteSignalAsync(SignalDto signal, CancellationToken ct)
        {
            var text = string.Format("{0} {1} @ {2}, SL {3}, TP {4} ({5}, {6})", signal.Direction, signal.Symbol,
                signal.EntryPrice, signal.StopLoss, signal.TakeProfit, signal.StrategyName, signal.Timestamp);
            if (!_run.AutoTrade)
            {
                AlertTrader("Signal: " + text);
                NotifyTrader(NoticeLevel.Info, "signal:" + signal.DedupeKey, "Signal (alerts only, no order sent): " + text);
                return ExecutionResult.AlertOnly(text);
            }

            await _tradeGate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                if (_stopping) return ExecutionResult.Failed("the strategy is stopping");
                var position = CurrentPosition;
                if (position != 0) return ExecutionResult.Skipped("a position of " + position + " is already open (one position per instrument)");
                if (ActiveOwnOrders().Count > 0) return ExecutionResult.Skipped("orders of an earlier signal are still working");

                var sizing = SizeFor(signal);
                if (!sizing.CanTrade) return ExecutionResult.Skipped("size is zero: " + sizing.Reason);
                return await EnterAsync(signal, sizing, text, ct).ConfigureAwait(false);
            }
            finally
            {
                _tradeGate.Release();
            }
        }

        private SizingResult SizeFor(SignalDto signal)
        {
            var security = Security;
            var portfolio = Portfolio;
            if (security == null || portfolio == null) return new SizingResult(0m, 0m, "no instrument or account");
            var maxQty = security.LotMaxSize;
            if (_run.MaxQuantity > 0 && (maxQty <= 0 || _run.MaxQuantity < maxQty)) maxQty = _run.MaxQuantity;
            var balance = portfolio.Balance;
            return PositionSizer.Size(new SizingInput
            {
                Balance = balance,
                RiskPercent = _run.RiskPercent,
                EntryPrice = signal.EntryPrice,
                StopPrice = signal.StopLoss,
                LotStep = security.LotSize,
                MinQuantity = security.LotMinSize,
                MaxQuantity = maxQty,
                // Futures: money per point = TickCost / TickSize. Unknown (0): a linear contract, 1.
                ValuePerPoint = security.TickSize > 0 && security.TickCost > 0 ? security.TickCost / security.TickSize : 1m,
                MaxNotional = balance * Math.Max(1, signal.Leverage),
            });
        }

        /// <summary>Market entry; once it fills, the protective stop and the take-profit.</summary>
        private async Task<ExecutionResult> EnterAsync(SignalDto signal, SizingResult sizing, string text, CancellationToken ct)
        {
            var entry = NewOrder(signal.IsBuy ? OrderDirections.Buy : OrderDirections.Sell, OrderTypes.Market, sizing.Quantity, Tag(signal, "entry"));
            lock (_ordersLock) _pendingEntry = entry;
            try
            {
                await SendAsync(entry).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                lock (_ordersLock) _pendingEntry = null;
                return ExecutionResult.Failed("the entry order was refused: " + ex.Message);
            }

            var final = await WaitFinalAsync(entry, EntryFillTimeout, ct).ConfigureAwait(false);
            if (final == null)
            {
                // Unfilled after the timeout: cancel, then size the bracket on what did fill.
                await TryCancelAsync(entry).ConfigureAwait(false);
                final = await WaitFinalAsync(entry, TimeSpan.FromSeconds(5), ct).ConfigureAwait(false) ?? entry;
            }
            lock (_ordersLock) _pendingEntry = null;
            if (final.State == OrderStates.Failed) return ExecutionResult.Failed("the entry order was rejected");
            await WaitForPositionAsync(ct).ConfigureAwait(false);

            // The bracket protects the position actually held (the strategy was flat before the
            // entry); the order's own fill count only stands in while the position lags behind.
            var held = Math.Abs(CurrentPosition);
            var filled = held > 0 ? held : final.State == OrderStates.Done ? FilledQuantity(final) : 0m;
            if (filled <= 0)
                return ExecutionResult.Failed("the entry order did not fill within " + EntryFillTimeout.TotalSeconds + " s and was cancelled");
            OpenSignal = signal;

            var fillPrice = held > 0 ? AveragePrice : 0m;
            var stopPassed = SignalValidator.CheckStopAfterFill(signal.IsBuy, fillPrice, ShrinkPrice(signal.StopLoss));
            if (stopPassed != null)
            {
                await FlattenLockedAsync("the stop was already passed: " + stopPassed).ConfigureAwait(false);
                return ExecutionResult.Filled("opened and closed at once, " + stopPassed);
            }
            return await PlaceBracketAsync(signal, filled, sizing, text).ConfigureAwait(false);
        }

        private async Task<ExecutionResult> PlaceBracketAsync(SignalDto signal, decimal quantity, SizingResult sizing, string text)
        {
            var exit = signal.IsBuy ? OrderDirections.Sell : OrderDirections.Buy;
            var oco = "gws-" + Guid.NewGuid().ToString("N").Substring(0, 12);

            var stop = NewOrder(exit, OrderTypes.Stop, quantity, Tag(signal, "sl"));
            stop.TriggerPrice = ShrinkPrice(signal.StopLoss);
            stop.OCOGroup = oco;
            stop.AutoCancel = true;
            lock (_ordersLock) _protectiveStop = stop;
            try
            {
                await SendAsync(stop).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Never leave a position without its stop.
                await FlattenLockedAsync("the stop order was refused (" + ex.Message + ")").ConfigureAwait(false);
                return ExecutionResult.Filled("opened and closed at once: the stop order was refused: " + ex.Message);
            }

            var target = NewOrder(exit, OrderTypes.Limit, quantity, Tag(signal, "tp"));
            target.Price = ShrinkPrice(signal.TakeProfit);
            target.OCOGroup = oco;
            target.AutoCancel = true;
            var summary = string.Format(CultureInfo.InvariantCulture, "{0} {1} risking {2:0.##} ({3} %){4}: {5}",
                signal.IsBuy ? "Bought" : "Sold", quantity, sizing.RiskAmount, _run.RiskPercent,
                sizing.Reason != null ? ", " + sizing.Reason : "", text);
            try
            {
                await SendAsync(target).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                NotifyTrader(NoticeLevel.Warning, "tp", "Take-profit order refused (" + ex.Message + "); the stop protects the position.");
                return ExecutionResult.Filled(summary + " (no take-profit)");
            }
            AlertTrader(summary);
            NotifyTrader(NoticeLevel.Info, "filled:" + signal.DedupeKey, summary);
            return ExecutionResult.Filled(summary);
        }

        /// <summary>Cancels this strategy's working orders and closes its position (reduce-only where supported). Hold _tradeGate.</summary>
        private async Task FlattenLockedAsync(string reason)
        {
            foreach (var order in ActiveOwnOrders()) await TryCancelAsync(order).ConfigureAwait(false);
            var position = CurrentPosition;
            if (position != 0)
            {
                var close = CloseOrder(position);
                try
                {
                    await SendAsync(close).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    NotifyTrader(NoticeLevel.Warning, "flatten", "Closing the position of " + position + " FAILED (" + ex.Message + "): close it by hand. Reason for closing: " + reason);
                    return;
                }
            }
            OpenSignal = null;
            NotifyTrader(NoticeLevel.Warning, "flatten", (position != 0 ? "Position " + position + " closed, orders cancelled: " : "Orders cancelled: ") + reason);
        }

        /// <summary>OnStopping: ATAS forgets the strategy's position once stopped, so close it now. Bounded waits only.</summary>
        private void FlattenOnStop()
        {
            Order entry;
            lock (_ordersLock) entry = _pendingEntry;
            if (entry != null) SpinWait.SpinUntil(() => IsFinal(entry), TimeSpan.FromSeconds(5));
            if (entry != null && FilledQuantity(entry) > 0) SpinWait.SpinUntil(() => CurrentPosition != 0, PositionUpdateWait);

            var tasks = new List<Task>();
            foreach (var order in ActiveOwnOrders()) tasks.Add(TryCancelAsync(order));
            var position = CurrentPosition;
            if (position != 0)
            {
                try
                {
                    tasks.Add(SendAsync(CloseOrder(position)));
                }
                catch (Exception ex)
                {
                    NotifyTrader(NoticeLevel.Warning, "stop", "Closing the position of " + position + " on stop FAILED (" + ex.Message + "): close it by hand.");
                }
            }
            if (tasks.Count == 0) return;
            try
            {
                if (!Task.WaitAll(tasks.ToArray(), TimeSpan.FromSeconds(5)))
                    NotifyTrader(NoticeLevel.Warning, "stop", "Closing orders sent on stop, not yet confirmed: check the position.");
                else if (position != 0)
                    NotifyTrader(NoticeLevel.Warning, "stop", "Strategy stopped: position " + position + " closed and its orders cancelled.");
            }
            catch (AggregateException ex)
            {
                NotifyTrader(NoticeLevel.Warning, "stop", "Closing on stop failed (" + ex.InnerException.Message + "): check the position and orders by hand.");
            }
        }

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
            lock (_ordersLock) _ownOrders.Add(order);
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
                lock (_ordersLock) _ownOrders.Remove(order);
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

        private List<Order> ActiveOwnOrders()
        {
            lock (_ordersLock)
            {
                _ownOrders.RemoveAll(o => o.State == OrderStates.Done || o.State == OrderStates.Failed);
                return _ownOrders.Where(o => o.State == OrderStates.Active || o.State == OrderStates.None).ToList();
            }
        }

        private static bool IsFinal(Order order)
        {
            return order.State == OrderStates.Done || order.State == OrderStates.Failed;
        }

        private static decimal FilledQuantity(Order order)
        {
            if (order.State == OrderStates.Failed) return 0m;
            var filled = order.QuantityToFill - order.Unfilled;
            return filled > 0 ? filled : 0m;
        }

        private static string Tag(SignalDto signal, string role)
        {
            return "gws " + (signal.Id ?? signal.Timestamp) + " " + role;
        }

        /// <summary>The order once Done or Failed (as reported by the trading events), or null after the timeout.</summary>
        private async Task<Order> WaitFinalAsync(Order order, TimeSpan timeout, CancellationToken ct)
        {
            var tcs = new TaskCompletionSource<Order>();
            var waiter = new KeyValuePair<Order, TaskCompletionSource<Order>>(order, tcs);
            lock (_ordersLock) _waiters.Add(waiter);
            try
            {
                if (IsFinal(order)) return order;
                using (var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    var done = await Task.WhenAny(tcs.Task, Task.Delay(timeout, timeoutCts.Token)).ConfigureAwait(false);
                    timeoutCts.Cancel();
                    ct.ThrowIfCancellationRequested();
                    if (done == tcs.Task) return tcs.Task.Result;
                    return IsFinal(order) ? order : null;
                }
            }
            finally
            {
                lock (_ordersLock) _waiters.Remove(waiter);
            }
        }

        /// <summary>ATAS updates CurrentPosition from the fills a moment after the order is Done.</summary>
        private async Task WaitForPositionAsync(CancellationToken ct)
        {
            var deadline = DateTime.UtcNow + PositionUpdateWait;
            while (CurrentPosition == 0 && DateTime.UtcNow < deadline) await Task.Delay(50, ct).ConfigureAwait(false);
        }

        private bool IsOwn(Order order, Order own)
        {
            return ReferenceEquals(order, own) || (!string.IsNullOrEmpty(order.Comment) && order.Comment == own.Comment);
        }

        protected override void OnNewOrder(Order order)
        {
            OrderUpdated(order);
            base.OnNewOrder(order);
        }

        protected override void OnOrderChanged(Order order)
        {
            OrderUpdated(order);
            base.OnOrderChanged(order);
        }

        protected override void OnOrderRegisterFailed(Order order, string message)
        {
            OrderUpdated(order);
            Order stop;
            lock (_ordersLock) stop = _protectiveStop;
            if (stop != null && IsOwn(order, stop))
            {
                NotifyTrader(NoticeLevel.Warning, "stop-failed", "The protective stop was rejected (" + message + "): closing the position.");
                Task.Run(async () =>
                {
                    await _tradeGate.WaitAsync().ConfigureAwait(false);
                    try
                    {
                        await FlattenLockedAsync("the protective stop was rejected: " + message).ConfigureAwait(false);
                    }
                    finally
                    {
                        _tradeGate.Release();
                    }
                });
            }
            else if (order != null && order.Comment != null && order.Comment.StartsWith("gws ", StringComparison.Ordinal))
            {
                NotifyTrader(NoticeLevel.Warning, "order-failed", "Order '" + order.Comment + "' was rejected: " + message);
            }
            base.OnOrderRegisterFailed(order, message);
        }

        protected override void OnCurrentPositionChanged()
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
                unexpected = position != 0 && _openSignal == null && _pendingEntry == null && _tradeGate.CurrentCount > 0;
            }
            if (unexpected)
                NotifyTrader(NoticeLevel.Warning, "unexpected-position", "The strategy holds " + position + " with no stop placed by it: protect or close it by hand.");
            base.OnCurrentPositionChanged();
        }

        private void OrderUpdated(Order order)
        {
            if (order == null || !IsFinal(order)) return;
            lock (_ordersLock)
            {
                foreach (var waiter in _waiters)
                    if (IsOwn(order, waiter.Key)) waiter.Value.TrySetResult(order);
            }
        }
    }
}
