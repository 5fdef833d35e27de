using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using ATAS.DataFeedsCore;
using AtasSignalStrategy.Core;

namespace AtasSignalStrategy
{
    /// <summary>The order sequence of one signal: the market entry, then the OCO bracket for what filled.</summary>
    public partial class GatewaySignalStrategy
    {
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
