using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using AtasSignalStrategy.Core;

namespace AtasSignalStrategy
{
    /// <summary>The gateway's close requests: close the position a signal opened.</summary>
    public partial class GatewaySignalStrategy
    {
        private bool _closeRequestsMissingReported;

        private async Task PollCloseRequestsAsync(CancellationToken ct)
        {
            var problems = new List<string>();
            var requests = await _closePoller.PollAsync(problems, ct).ConfigureAwait(false);
            foreach (var problem in problems) NotifyTrader(NoticeLevel.Warning, "bad-close-request", "A close request was skipped: " + problem);
            if (!_closePoller.Available)
            {
                if (!_closeRequestsMissingReported)
                    NotifyTrader(NoticeLevel.Info, "close-requests", "The gateway has no close-requests endpoint: exits rely on the stop and take-profit only.");
                _closeRequestsMissingReported = true;
                return;
            }
            foreach (var request in requests)
            {
                if (!IsOurSymbol(request.Symbol)) continue;
                bool open, deferred;
                lock (_ordersLock)
                {
                    // The cursor moves past this request now, so one for a signal whose entry is
                    // still in flight is kept and applied by that sequence once the position exists.
                    deferred = RequestFor(request, _executingSignal);
                    if (deferred) _pendingClose = request;
                    open = !deferred && RequestFor(request, _openSignal);
                }
                if (deferred)
                {
                    NotifyTrader(NoticeLevel.Info, "close:" + request.Id, "Close request (" + request.Reason + ") for signal " + request.SignalId
                        + " arrived while its entry is in flight: applied once the position exists.");
                    continue;
                }
                if (!open)
                {
                    AlertCloseRequest(request);
                    continue;
                }
                await _tradeGate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    if (_stopping) return;
                    if (RequestFor(request, OpenSignal))
                        await FlattenLockedAsync("close request (" + request.Reason + ") for signal " + request.SignalId, ct).ConfigureAwait(false);
                }
                finally
                {
                    _tradeGate.Release();
                }
            }
        }

        private static bool RequestFor(CloseRequestDto request, SignalDto signal)
        {
            return signal != null && !string.IsNullOrEmpty(signal.Id) && (request.SignalId == signal.Id || request.PositionId == signal.Id);
        }

        /// <summary>Alerts-only: the trader manages positions by hand, so tell them (recent requests only).</summary>
        private void AlertCloseRequest(CloseRequestDto request)
        {
            System.DateTime requestedAt;
            if (_run.AutoTrade || !SignalTime.TryParseUtc(request.RequestedAt, out requestedAt) || requestedAt < _startedAtUtc.AddSeconds(-30)) return;
            var text = "Close request: " + request.Symbol + " " + request.Direction + " from signal " + request.SignalId + " (" + request.Reason + ")";
            AlertTrader(text);
            NotifyTrader(NoticeLevel.Info, "close:" + request.Id, text);
        }
    }
}
