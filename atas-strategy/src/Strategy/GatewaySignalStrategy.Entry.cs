using System;
using System.Threading;
using System.Threading.Tasks;
using ATAS.DataFeedsCore;
using AtasSignalStrategy.Core;

namespace AtasSignalStrategy
{
    /// <summary>One signal into orders: the one-position rule, the live-market checks, the size; then the order sequence (Bracket.cs).</summary>
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
                // The gateway serves no signal while paused; this covers one read just before the switch.
                var paused = KillSwitchReason();
                if (paused != null) return ExecutionResult.Skipped(paused);
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
    }
}
