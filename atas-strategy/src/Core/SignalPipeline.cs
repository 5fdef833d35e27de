using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// The path of every signal, however it arrived (poll or push): instrument filter, dedupe,
    /// validation, age, claim, execution, acknowledgement. One signal at a time, so a signal
    /// delivered by both the poll and the push stream is executed once.
    /// </summary>
    public sealed class SignalPipeline
    {
        private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
        private readonly Func<string, bool> _isOurSymbol;
        private readonly int _maxAgeSeconds;
        private readonly DedupeStore _store;
        private readonly ISignalExecutor _executor;
        private readonly AckSender _ack;
        private readonly Func<DateTime> _utcNow;
        private readonly NoticeHandler _notice;
        private readonly Dictionary<string, DateTime> _ackRetryAt = new Dictionary<string, DateTime>();
        private readonly Dictionary<string, int> _ackRetries = new Dictionary<string, int>();
        private readonly HashSet<string> _ackInFlight = new HashSet<string>();
        // Guards the three ack collections: acknowledgements run outside _gate, possibly in parallel.
        private readonly object _ackLock = new object();

        /// <param name="isOurSymbol">True for signal symbols of this chart (see <see cref="SymbolMap"/>).</param>
        /// <param name="maxAgeSeconds">MaxSignalAgeSeconds; at least 1.</param>
        /// <param name="utcNow">Clock; default DateTime.UtcNow.</param>
        public SignalPipeline(Func<string, bool> isOurSymbol, int maxAgeSeconds, DedupeStore store, ISignalExecutor executor,
                              AckSender ack, NoticeHandler notice, Func<DateTime> utcNow = null)
        {
            if (isOurSymbol == null || store == null || executor == null || ack == null) throw new ArgumentNullException();
            if (maxAgeSeconds < 1) throw new ArgumentOutOfRangeException("maxAgeSeconds", "max signal age must be at least 1 s");
            _isOurSymbol = isOurSymbol;
            _maxAgeSeconds = maxAgeSeconds;
            _store = store;
            _executor = executor;
            _ack = ack;
            _notice = notice ?? ((l, k, m) => { });
            _utcNow = utcNow ?? (() => DateTime.UtcNow);
        }

        /// <summary>Processes signals oldest first (by stream id).</summary>
        public async Task<List<PipelineResult>> ProcessBatchAsync(IEnumerable<SignalDto> signals, CancellationToken ct)
        {
            var results = new List<PipelineResult>();
            var ordered = signals.Where(s => s != null)
                                 .OrderBy(s => s.Id ?? "", Comparer<string>.Create(StreamId.CompareText))
                                 .ThenBy(s => s.Timestamp ?? "", StringComparer.Ordinal);
            foreach (var signal in ordered) results.Add(await ProcessAsync(signal, ct).ConfigureAwait(false));
            return results;
        }

        /// <summary>
        /// Execute replay, backtest and demo signals (and those without a source) too. Default
        /// false: only signals whose metadata.source is "live" are executed.
        /// </summary>
        public bool TradeSimulated { get; set; }

        /// <summary>
        /// Send the acknowledgement of an executed signal on a background task instead of before
        /// ProcessAsync returns, so a slow gateway never delays the next signal. Default false.
        /// </summary>
        public bool AckInBackground { get; set; }

        /// <summary>
        /// Claim, execute and record one signal under the pipeline's lock; the acknowledgement
        /// (with its retries) runs after the lock is released, so it never holds up other signals.
        /// </summary>
        public async Task<PipelineResult> ProcessAsync(SignalDto signal, CancellationToken ct)
        {
            PipelineResult result;
            await _gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                result = await ProcessLockedAsync(signal, ct).ConfigureAwait(false);
                result.Signal = signal;
            }
            finally
            {
                _gate.Release();
            }
            if (result.Outcome != PipelineOutcome.Executed) return result;
            if (AckInBackground)
            {
                // Never throws but on cancellation, which the continuation observes.
                Observe(Task.Run(() => AcknowledgeAsync(signal, ct)));
                return result;
            }
            result.Ack = await AcknowledgeAsync(signal, ct).ConfigureAwait(false);
            return result;
        }

        private async Task<PipelineResult> ProcessLockedAsync(SignalDto signal, CancellationToken ct)
        {
            if (!_isOurSymbol(signal.Symbol)) return new PipelineResult(PipelineOutcome.OtherSymbol, signal.Symbol + " is not this chart's instrument");
            var key = signal.DedupeKey;
            if (_store.IsKnown(key)) return new PipelineResult(PipelineOutcome.Duplicate, "already handled (" + (_store.GetState(key) ?? "before the dedupe floor") + ")");

            var invalid = SignalValidator.Validate(signal);
            if (invalid != null) return Reject(signal, PipelineOutcome.Invalid, invalid);
            var notLive = SignalSource.Refusal(signal, TradeSimulated);
            if (notLive != null) return Reject(signal, PipelineOutcome.NotLive, notLive);
            var stale = SignalAge.Check(signal.Timestamp, _utcNow(), _maxAgeSeconds);
            if (stale != null) return Reject(signal, PipelineOutcome.Stale, stale);

            var notReady = _executor.NotReadyReason();
            if (notReady != null) return new PipelineResult(PipelineOutcome.NotReady, notReady);

            bool claimed;
            try
            {
                claimed = _store.TryClaim(signal);
            }
            catch (Exception ex)
            {
                var msg = "signal " + signal + " NOT traded: the dedupe file " + _store.Path + " cannot be written (" + ex.Message + ")";
                _notice(NoticeLevel.Warning, "store", msg);
                return new PipelineResult(PipelineOutcome.StoreError, msg);
            }
            if (!claimed) return new PipelineResult(PipelineOutcome.Duplicate, "already handled");

            ExecutionResult result;
            try
            {
                result = await _executor.ExecuteAsync(signal, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped mid-execution: the claim stays, so the signal is never retried blindly.
                TrySetState(key, SignalStates.Failed);
                throw;
            }
            catch (Exception ex)
            {
                result = ExecutionResult.Failed("unexpected error: " + ex.Message);
            }
            return Finish(signal, result);
        }

        private PipelineResult Finish(SignalDto signal, ExecutionResult result)
        {
            var key = signal.DedupeKey;
            switch (result.Kind)
            {
                case ExecutionKind.AlertOnly:
                    TrySetState(key, SignalStates.Alerted);
                    return new PipelineResult(PipelineOutcome.Alerted, result.Message);
                case ExecutionKind.Skipped:
                    TrySetState(key, SignalStates.Skipped);
                    _notice(NoticeLevel.Info, "skipped", "signal " + signal + " skipped: " + result.Message);
                    return new PipelineResult(PipelineOutcome.Skipped, result.Message);
                case ExecutionKind.Failed:
                    TrySetState(key, SignalStates.Failed);
                    _notice(NoticeLevel.Warning, "failed:" + key, "signal " + signal + " failed: " + result.Message);
                    return new PipelineResult(PipelineOutcome.Failed, result.Message);
            }
            TrySetState(key, SignalStates.Executed);
            return new PipelineResult(PipelineOutcome.Executed, result.Message);
        }

        /// <summary>
        /// Retries acknowledgements still owed (executed, not acknowledged: the gateway was down,
        /// or the strategy restarted before it answered), each on its own backoff up to 60 s.
        /// </summary>
        public async Task RetryPendingAcksAsync(CancellationToken ct)
        {
            var now = _utcNow();
            foreach (var entry in _store.WithState(SignalStates.Executed))
            {
                DateTime due;
                lock (_ackLock)
                {
                    if (_ackRetryAt.TryGetValue(entry.Key, out due) && now < due) continue;
                }
                var signal = new SignalDto { Timestamp = entry.Timestamp, Symbol = entry.Symbol };
                if (!entry.Key.StartsWith("ts:", StringComparison.Ordinal)) signal.Id = entry.Key;
                await AcknowledgeAsync(signal, ct).ConfigureAwait(false);
            }
        }

        /// <summary>Acknowledgements still owed.</summary>
        public int PendingAcks { get { return _store.WithState(SignalStates.Executed).Count; } }

        private async Task<AckResult> AcknowledgeAsync(SignalDto signal, CancellationToken ct)
        {
            var key = signal.DedupeKey;
            lock (_ackLock)
            {
                // The background retry and the first attempt must not both be sending.
                if (!_ackInFlight.Add(key)) return new AckResult(false, false, 0, "an acknowledgement is already being sent");
            }
            try
            {
                var ack = await _ack.SendAsync(signal, ct).ConfigureAwait(false);
                RecordAck(signal, ack);
                return ack;
            }
            finally
            {
                lock (_ackLock) _ackInFlight.Remove(key);
            }
        }

        private void RecordAck(SignalDto signal, AckResult ack)
        {
            var key = signal.DedupeKey;
            if (ack.Ok)
            {
                lock (_ackLock)
                {
                    _ackRetryAt.Remove(key);
                    _ackRetries.Remove(key);
                }
                TrySetState(key, SignalStates.Acked);
            }
            else if (ack.Permanent)
            {
                TrySetState(key, SignalStates.AckFailed);
                _notice(NoticeLevel.Warning, "ack", "the gateway refused the acknowledgement of " + signal + ": " + ack.Error);
            }
            else
            {
                lock (_ackLock)
                {
                    int retries;
                    _ackRetries.TryGetValue(key, out retries);
                    _ackRetries[key] = ++retries;
                    _ackRetryAt[key] = _utcNow() + TimeSpan.FromSeconds(Math.Min(60, 5 * Math.Pow(2, Math.Min(retries - 1, 4))));
                }
                _notice(NoticeLevel.Warning, "ack", "acknowledgement of " + signal + " failed after " + ack.Attempts + " tries, will retry: " + ack.Error);
            }
        }

        private static void Observe(Task task)
        {
            task.ContinueWith(t => t.Exception, TaskContinuationOptions.NotOnRanToCompletion);
        }

        private PipelineResult Reject(SignalDto signal, PipelineOutcome outcome, string reason)
        {
            try
            {
                _store.TryRecord(signal, SignalStates.Rejected);
            }
            catch (Exception)
            {
                // Not remembered: it is rejected again next time, which is harmless.
            }
            _notice(NoticeLevel.Warning, "rejected:" + signal.DedupeKey, "signal " + signal + " ignored: " + reason);
            return new PipelineResult(outcome, reason);
        }

        private void TrySetState(string key, string state)
        {
            try
            {
                _store.SetState(key, state);
            }
            catch (Exception ex)
            {
                _notice(NoticeLevel.Warning, "store", "the dedupe file " + _store.Path + " cannot be written: " + ex.Message);
            }
        }
    }
}
