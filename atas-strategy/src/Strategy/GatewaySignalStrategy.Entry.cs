using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using ATAS.DataFeedsCore;
using AtasSignalStrategy.Core;

namespace AtasSignalStrategy
{
    /// <summary>One signal into orders: checks against the live market, the market entry, then the bracket.</summary>
    public partial class GatewaySignalStrategy
    {
        /// <summary>One order sequence at a time: entry+bracket, a close request, a flatten.</summary>
        private readonly SemaphoreSlim _tradeGate = new SemaphoreSlim(1, 1);

        // All under _ordersLock.
        private Order _pendingEntry;
        private Order _protectiveStop;
        private SignalDto _openSignal;
        private SignalDto _executingSignal;
        private CloseRequestDto _pendingClose;

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
            var text = string.Format("{0} {1} @ {2}, SL {3}, TP {4} ({5}, {6}, source {7})", signal.Direction, signal.Symbol,
                signal.EntryPrice, signal.StopLoss, signal.TakeProfit, signal.StrategyName, signal.Timestamp, SignalSource.Of(signal) ?? "none");
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

                var live = LivePrice(signal.IsBuy);
                var drift = LivePriceCheck.Check(signal.IsBuy, signal.EntryPrice, signal.StopLoss, live, _run.MaxEntryDriftStopDistances);
                if (drift != null) return ExecutionResult.Skipped(drift);
                var sizing = SizeFor(signal, live);
                if (!sizing.CanTrade) return ExecutionResult.Skipped("size is zero: " + sizing.Reason);

                lock (_ordersLock) _executingSignal = signal;
                var result = await EnterAsync(signal, sizing, text, ct).ConfigureAwait(false);
                CloseRequestDto close;
                lock (_ordersLock)
                {
                    close = _pendingClose;
                    _pendingClose = null;
                    _executingSignal = null;
                }
                // A close request for this signal that came while its entry was in flight.
                if (close != null && CurrentPosition != 0)
                    await FlattenLockedAsync("close request (" + close.Reason + ") for signal " + close.SignalId + ", received during the entry", ct).ConfigureAwait(false);
                return result;
            }
            finally
            {
                lock (_ordersLock)
                {
                    _executingSignal = null;
                    _pendingClose = null;
                }
                _tradeGate.Release();
            }
        }

        /// <summary>The price a market order would get now: the ask to buy, the bid to sell, else the last trade; 0 when unknown.</summary>
        private decimal LivePrice(bool buy)
        {
            var security = Security;
            if (security == null) return 0m;
            var quote = buy ? security.BestAskPrice : security.BestBidPrice;
            if (quote > 0) return quote;
            return security.LastTradePrice ?? 0m;
        }

        private SizingResult SizeFor(SignalDto signal, decimal livePrice)
        {
            var security = Security;
            var portfolio = Portfolio;
            if (security == null || portfolio == null) return new SizingResult(0m, 0m, "no instrument or account");
            // Null limits: the connector does not say, so there is none.
            var maxQty = security.LotMaxSize ?? 0m;
            if (_run.MaxQuantity > 0 && (maxQty <= 0 || _run.MaxQuantity < maxQty)) maxQty = _run.MaxQuantity;
            var balance = portfolio.Balance;
            return PositionSizer.Size(new SizingInput
            {
                Balance = balance,
                RiskPercent = _run.RiskPercent,
                // The entry is a market order: the risk is from the live price to the stop, not from entry_price.
                EntryPrice = livePrice,
                StopPrice = ShrinkPrice(signal.StopLoss),
                LotStep = security.LotSize,
                MinQuantity = security.LotMinSize ?? 0m,
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
                try
                {
                    await SendAsync(entry).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    return ExecutionResult.Failed("the entry order was refused: " + ex.Message);
                }
                if (!await WaitOrderAsync(entry, o => o.State != OrderStates.None, _timeouts.OrderAccepted, ct).ConfigureAwait(false))
                {
                    Forget(entry);
                    return ExecutionResult.Failed("ATAS did not send the entry order (still None after " + _timeouts.OrderAccepted.TotalSeconds
                        + " s: is the strategy started and the account connected?)");
                }
                if (!await WaitOrderAsync(entry, IsFinal, _timeouts.EntryFill, ct).ConfigureAwait(false))
                {
                    // Unfilled after the timeout: cancel, then protect what did fill.
                    await TryCancelAsync(entry).ConfigureAwait(false);
                    await WaitOrderAsync(entry, IsFinal, _timeouts.OrderAccepted, ct).ConfigureAwait(false);
                }
            }
            finally
            {
                lock (_ordersLock) _pendingEntry = null;
            }
            if (entry.State == OrderStates.Failed) return ExecutionResult.Failed("the entry order was rejected");
            var filled = FilledQuantity(entry);
            // ATAS updates the position from the fills, a moment before or after the order event.
            await WaitUntilAsync(() => Math.Abs(CurrentPosition) >= filled, _timeouts.PositionUpdate, ct).ConfigureAwait(false);
            // The bracket protects the position actually held (the strategy was flat before the entry).
            var held = Math.Abs(CurrentPosition);
            if (held > 0) filled = held;
            if (filled <= 0)
                return ExecutionResult.Failed("the entry order did not fill within " + _timeouts.EntryFill.TotalSeconds + " s and was cancelled");
            OpenSignal = signal;

            var fillPrice = held > 0 ? AveragePrice : 0m;
            var stopPassed = SignalValidator.CheckStopAfterFill(signal.IsBuy, fillPrice, ShrinkPrice(signal.StopLoss));
            if (stopPassed != null)
            {
                await FlattenLockedAsync("the stop was already passed: " + stopPassed, ct).ConfigureAwait(false);
                return ExecutionResult.Filled("opened and closed at once, " + stopPassed);
            }
            return await PlaceBracketAsync(signal, filled, sizing, text, ct).ConfigureAwait(false);
        }

        private async Task<ExecutionResult> PlaceBracketAsync(SignalDto signal, decimal quantity, SizingResult sizing, string text, CancellationToken ct)
        {
            var exit = signal.IsBuy ? OrderDirections.Sell : OrderDirections.Buy;
            var oco = "gws-" + Guid.NewGuid().ToString("N").Substring(0, 12);

            var stop = NewOrder(exit, OrderTypes.Stop, quantity, Tag(signal, "sl"));
            stop.TriggerPrice = ShrinkPrice(signal.StopLoss);
            stop.OCOGroup = oco;
            stop.AutoCancel = true;
            lock (_ordersLock) _protectiveStop = stop;
            string stopProblem = null;
            try
            {
                await SendAsync(stop).ConfigureAwait(false);
                // Working (or already triggered) means placed; Failed or still None after the wait means no stop.
                await WaitOrderAsync(stop, o => o.State != OrderStates.None, _timeouts.OrderAccepted, ct).ConfigureAwait(false);
                if (stop.State == OrderStates.Failed) stopProblem = "the stop order was rejected";
                else if (stop.State == OrderStates.None) stopProblem = "the stop order was not sent by ATAS within " + _timeouts.OrderAccepted.TotalSeconds + " s";
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception ex)
            {
                stopProblem = "the stop order was refused (" + ex.Message + ")";
            }
            if (stopProblem != null)
            {
                // Never leave a position without its stop. Handled here, once: the rejection callback
                // sees that this stop is no longer the protective one and sends nothing.
                lock (_ordersLock) _protectiveStop = null;
                await FlattenLockedAsync(stopProblem, ct).ConfigureAwait(false);
                return ExecutionResult.Filled("opened and closed at once: " + stopProblem);
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
    }
}
