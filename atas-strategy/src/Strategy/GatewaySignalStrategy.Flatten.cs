using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using ATAS.DataFeedsCore;
using AtasSignalStrategy.Core;

namespace AtasSignalStrategy
{
    /// <summary>
    /// Closing the position. A close order is an instruction, not a result: the protective stop
    /// stays until the position is confirmed flat, a refused close leaves it in place (and the
    /// trader is told), and while one close is working no second one is sent.
    /// </summary>
    public partial class GatewaySignalStrategy
    {
        private Order _closeOrder; // under _ordersLock

        private enum CloseStart { Flat, AlreadyClosing, Sent }

        /// <summary>Closes this strategy's position, then cancels its orders. Hold _tradeGate. True when confirmed flat.</summary>
        private async Task<bool> FlattenLockedAsync(string reason, CancellationToken ct)
        {
            decimal position;
            Order close;
            var start = StartClose(out position, out close);
            if (start == CloseStart.Flat)
            {
                CancelOwnOrders();
                OpenSignal = null;
                return true;
            }
            if (start != CloseStart.Sent) return false;
            try
            {
                // Returns once ATAS took the instruction; the fill is confirmed by the position.
                await SendAsync(close).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                CloseRefused(position, ex, reason);
                return false;
            }

            // ct is deliberately not used: a stop request must not abandon a close half-way.
            await WaitUntilAsync(() => CurrentPosition == 0 || close.State == OrderStates.Failed, _timeouts.FlatConfirm, CancellationToken.None)
                .ConfigureAwait(false);
            return FinishClose(position, close, reason);
        }

        /// <summary>Creates the close order unless flat or a close is already working (the caller sends it).</summary>
        private CloseStart StartClose(out decimal position, out Order close)
        {
            close = null;
            position = CurrentPosition;
            if (position == 0) return CloseStart.Flat;
            lock (_ordersLock)
            {
                if (_closeOrder != null && !IsFinal(_closeOrder)) return CloseStart.AlreadyClosing;
                close = CloseOrder(position);
                _closeOrder = close;
            }
            return CloseStart.Sent;
        }

        private void CloseRefused(decimal position, Exception ex, string reason)
        {
            lock (_ordersLock) _closeOrder = null;
            var inner = ex is AggregateException && ex.InnerException != null ? ex.InnerException : ex;
            NotifyTrader(NoticeLevel.Warning, "close-refused", "Closing the position of " + position + " was REFUSED (" + inner.Message
                + "). The protective stop stays in place. Close it by hand if you want out. Reason for closing: " + reason);
        }

        private bool FinishClose(decimal position, Order close, string reason)
        {
            if (CurrentPosition == 0)
            {
                CancelOwnOrders();
                OpenSignal = null;
                NotifyTrader(NoticeLevel.Warning, "flatten", "Position " + position + " closed, its orders cancelled: " + reason);
                return true;
            }
            if (close.State == OrderStates.Failed)
            {
                lock (_ordersLock) _closeOrder = null;
                NotifyTrader(NoticeLevel.Warning, "close-rejected", "The close order for the position of " + position
                    + " was rejected. The protective stop stays in place. Close it by hand if you want out. Reason for closing: " + reason);
                return false;
            }
            NotifyTrader(NoticeLevel.Warning, "close-unconfirmed", "A close order for the position of " + position + " was sent but the position is "
                + CurrentPosition + " after " + _timeouts.FlatConfirm.TotalSeconds + " s. The stop stays in place; check the position. Reason: " + reason);
            return false;
        }

        /// <summary>Cancels every working own order (once flat: the stop and target are no longer needed).</summary>
        private void CancelOwnOrders()
        {
            foreach (var order in ActiveOwnOrders())
            {
                // Not awaited: TryCancelAsync never throws, and the caller may be OnStopping.
                if (order.State != OrderStates.None) Task.Run(() => TryCancelAsync(order));
            }
        }

        protected override void OnStopping()
        {
            try
            {
                _stopping = true;
                _live = false;
                var cts = _cts;
                if (cts != null) cts.Cancel();
                var sse = _sse;
                if (sse != null) sse.Abort();
                FlattenOnStop();
            }
            catch (Exception ex)
            {
                NotifyTrader(NoticeLevel.Warning, "stop", "Closing the position on stop failed: " + ex.Message + ". Check the position and working orders by hand.");
            }
            base.OnStopping();
        }

        /// <summary>
        /// ATAS forgets the strategy's position once it is stopped, so it is closed now, within
        /// <see cref="StrategyTimeouts.OnStoppingBudget"/> in all: OnStopping holds ATAS's thread.
        /// An order sequence in flight is not waited for; it sees the cancellation and ends.
        /// </summary>
        private void FlattenOnStop()
        {
            var watch = Stopwatch.StartNew();
            Func<TimeSpan> left = () => _timeouts.OnStoppingBudget - watch.Elapsed;
            Order entry;
            lock (_ordersLock) entry = _pendingEntry;
            if (entry != null && !IsFinal(entry))
            {
                if (entry.State != OrderStates.None) TryCancelAsync(entry).Wait(Half(left()));
                SleepUntil(() => IsFinal(entry) || entry.State == OrderStates.None, Half(left()));
            }
            const string reason = "the strategy is stopping";
            decimal position;
            Order close;
            var start = StartClose(out position, out close);
            if (start == CloseStart.Flat)
            {
                CancelOwnOrders();
                return;
            }
            if (start == CloseStart.AlreadyClosing)
            {
                NotifyTrader(NoticeLevel.Warning, "stop", "Stopped while a close of " + position + " was working: the stop stays in place; check the position.");
                return;
            }
            try
            {
                SendAsync(close).Wait(left() > TimeSpan.Zero ? left() : TimeSpan.Zero);
            }
            catch (Exception ex)
            {
                CloseRefused(position, ex, reason);
                return;
            }
            SleepUntil(() => CurrentPosition == 0 || close.State == OrderStates.Failed, left());
            if (CurrentPosition == 0 || close.State == OrderStates.Failed) FinishClose(position, close, reason);
            else NotifyTrader(NoticeLevel.Warning, "stop", "Stopping: a close order for " + position + " was sent, not confirmed within "
                + _timeouts.OnStoppingBudget.TotalSeconds + " s. The protective stop stays in place (" + ProtectionKind() + "); check the position.");
        }

        private static TimeSpan Half(TimeSpan t)
        {
            return t > TimeSpan.Zero ? TimeSpan.FromTicks(t.Ticks / 2) : TimeSpan.Zero;
        }

        private static void SleepUntil(Func<bool> condition, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!condition() && DateTime.UtcNow < deadline) Thread.Sleep(20);
        }
    }
}
