using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AtasSignalStrategy.Core;
using Newtonsoft.Json;

namespace AtasSignalStrategy
{
    public partial class GatewaySignalStrategy
    {
        private static readonly TimeSpan PushUnavailablePause = TimeSpan.FromMinutes(1);

        /// <summary>Signals that arrived while orders could not be sent (history loading): retried until they age out.</summary>
        private readonly ConcurrentDictionary<string, SignalDto> _deferred = new ConcurrentDictionary<string, SignalDto>();

        private DateTime _pushPausedUntil;

        /// <summary>A restarted instance starts clean: nothing of the previous run carries over.</summary>
        private void ResetRunState()
        {
            _deferred.Clear();
            _pushPausedUntil = DateTime.MinValue;
            _closeRequestsMissingReported = false;
            _control = null;
            _orderUpdates.Clear();
            lock (_ordersLock)
            {
                _ownOrders.Clear();
                _pendingEntry = null;
                _protectiveStop = null;
                _closeOrder = null;
                _openSignal = null;
                _executingSignal = null;
                _pendingClose = null;
            }
        }

        /// <summary>Receives signals: push (SSE) with polling while the stream is down, or polling only.</summary>
        private async Task SignalLoopAsync(CancellationToken ct)
        {
            var interval = TimeSpan.FromMilliseconds(_run.PollIntervalMs);
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    if (_run.PushMode && DateTime.UtcNow >= _pushPausedUntil) await PushAsync(ct).ConfigureAwait(false);
                    else await PollSignalsAsync(ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    if (ct.IsCancellationRequested) break;
                }
                catch (GatewayException ex)
                {
                    NotifyTrader(NoticeLevel.Warning, "gateway", "Signal gateway: " + ex.Message);
                }
                catch (Exception ex)
                {
                    NotifyTrader(NoticeLevel.Warning, "loop", "Signal loop error (it keeps running): " + ex.Message);
                }
                try
                {
                    await Task.Delay(interval, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        /// <summary>
        /// One push connection. A poll first catches up on whatever was published while no stream
        /// was open; the stream then resumes from the newest id seen (Last-Event-ID).
        /// </summary>
        private async Task PushAsync(CancellationToken ct)
        {
            await PollSignalsAsync(ct).ConfigureAwait(false);
            try
            {
                await _sse.RunAsync(PushFilter(), ev => OnPushEventAsync(ev, ct), () => OnPushConnected(ct), ct).ConfigureAwait(false);
                NotifyTrader(NoticeLevel.Warning, "push", "The gateway closed the push stream; polling until it is back.");
            }
            catch (GatewayException ex)
            {
                if (ex.StatusCode == 404) _pushPausedUntil = DateTime.UtcNow + PushUnavailablePause;
                NotifyTrader(NoticeLevel.Warning, "push", "Push stream down (" + ex.Message + "); polling every " + _run.PollIntervalMs + " ms until it is back.");
            }
        }

        private void OnPushConnected(CancellationToken ct)
        {
            // Without a Last-Event-ID the stream starts at "now": one more poll covers the gap
            // between the catch-up poll and the connection.
            if (_sse.LastEventId != null) return;
            Task.Run(async () =>
            {
                try
                {
                    await PollSignalsAsync(ct).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    if (!ct.IsCancellationRequested) NotifyTrader(NoticeLevel.Warning, "gateway", "Signal gateway: " + ex.Message);
                }
            });
        }

        private async Task OnPushEventAsync(SseEvent ev, CancellationToken ct)
        {
            if (ev.Type == "control")
            {
                ControlStateDto control;
                try
                {
                    control = GatewayClient.ParseControl(ev.Data, "api/signals/stream control event");
                }
                catch (GatewayException ex)
                {
                    NotifyTrader(NoticeLevel.Warning, "bad-control", "A kill switch event could not be read (the next poll reads the state): " + ex.Message);
                    return;
                }
                StartApplyControl(control, ct);
                return;
            }
            if (ev.Type != "signal") return; // "ack" events need no action here
            SignalDto signal;
            try
            {
                signal = JsonConvert.DeserializeObject<SignalDto>(ev.Data, Json.Settings);
            }
            catch (Exception ex)
            {
                NotifyTrader(NoticeLevel.Warning, "bad-signal", "A pushed signal could not be read and was skipped: " + ex.Message);
                return;
            }
            if (signal == null) return;
            if (string.IsNullOrEmpty(signal.Id)) signal.Id = ev.LastEventId;
            Handle(await _pipeline.ProcessAsync(signal, ct).ConfigureAwait(false), signal);
        }

        private async Task PollSignalsAsync(CancellationToken ct)
        {
            var batch = await _client.GetSignalsAsync(ct).ConfigureAwait(false);
            foreach (var problem in batch.Problems) NotifyTrader(NoticeLevel.Warning, "bad-signal", "A signal from the gateway was skipped: " + problem);
            var results = await _pipeline.ProcessBatchAsync(batch.Items, ct).ConfigureAwait(false);
            foreach (var result in results) Handle(result, result.Signal);
            // Resume the push stream after what polling has already covered.
            var newest = results.Select(r => r.Signal.Id).LastOrDefault(id => !string.IsNullOrEmpty(id));
            if (newest != null && _sse.LastEventId == null) _sse.LastEventId = newest;
        }

        private void Handle(PipelineResult result, SignalDto signal)
        {
            if (result.Outcome == PipelineOutcome.NotReady) _deferred[signal.DedupeKey] = signal;
            else
            {
                SignalDto ignored;
                _deferred.TryRemove(signal.DedupeKey, out ignored);
            }
        }

        /// <summary>Owed acknowledgements, deferred signals, close requests: every poll interval.</summary>
        private async Task HousekeepingLoopAsync(CancellationToken ct)
        {
            var interval = TimeSpan.FromMilliseconds(_run.PollIntervalMs);
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await PollControlAsync(ct).ConfigureAwait(false);
                    await _pipeline.RetryPendingAcksAsync(ct).ConfigureAwait(false);
                    foreach (var signal in _deferred.Values.ToList())
                        Handle(await _pipeline.ProcessAsync(signal, ct).ConfigureAwait(false), signal);
                    if (_run.UseCloseRequests) await PollCloseRequestsAsync(ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    if (ct.IsCancellationRequested) break;
                }
                catch (GatewayException ex)
                {
                    NotifyTrader(NoticeLevel.Warning, "gateway", "Signal gateway: " + ex.Message);
                }
                catch (Exception ex)
                {
                    NotifyTrader(NoticeLevel.Warning, "housekeeping", "Background task error (it keeps running): " + ex.Message);
                }
                try
                {
                    await Task.Delay(interval, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }
}
