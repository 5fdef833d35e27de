using System;
using System.Threading;
using System.Threading.Tasks;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// Acknowledges a signal, retrying transient failures (no response, 408, 429, 5xx) with
    /// backoff. Never throws for a gateway failure: the result says what happened, and the
    /// caller keeps the acknowledgement pending to try again later.
    /// </summary>
    public sealed class AckSender
    {
        private readonly Func<SignalDto, CancellationToken, Task> _send;
        private readonly RetryPolicy _policy;
        private readonly Func<TimeSpan, CancellationToken, Task> _delay;

        /// <param name="send">One attempt, e.g. <see cref="GatewayClient.AcknowledgeAsync"/>.</param>
        /// <param name="policy">Default: 5 attempts, 0.5 s doubling to 8 s.</param>
        /// <param name="delay">Waits between attempts; default Task.Delay.</param>
        public AckSender(Func<SignalDto, CancellationToken, Task> send, RetryPolicy policy = null, Func<TimeSpan, CancellationToken, Task> delay = null)
        {
            if (send == null) throw new ArgumentNullException("send");
            _send = send;
            _policy = policy ?? new RetryPolicy();
            _delay = delay ?? ((d, ct) => Task.Delay(d, ct));
        }

        /// <exception cref="OperationCanceledException">Only when <paramref name="ct"/> is cancelled.</exception>
        public async Task<AckResult> SendAsync(SignalDto signal, CancellationToken ct)
        {
            string error = null;
            for (var attempt = 1; attempt <= _policy.MaxAttempts; attempt++)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    await _send(signal, ct).ConfigureAwait(false);
                    return new AckResult(true, false, attempt, null);
                }
                catch (GatewayException ex)
                {
                    error = ex.Message;
                    if (!ex.IsTransient) return new AckResult(false, true, attempt, error);
                }
                if (attempt < _policy.MaxAttempts) await _delay(_policy.DelayAfter(attempt), ct).ConfigureAwait(false);
            }
            return new AckResult(false, false, _policy.MaxAttempts, error);
        }
    }
}
