using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// Waits for a value published from another thread (an order update from ATAS's trading
    /// connection). Publish never runs a waiter's continuation inline (RunContinuationsAsynchronously)
    /// and completes waiters outside its lock on a snapshot: a continuation that sends an order or
    /// removes a waiter cannot run inside the platform's callback, nor modify the list being read.
    /// </summary>
    public sealed class CompletionWaiters<T> where T : class
    {
        private readonly object _lock = new object();
        private readonly List<KeyValuePair<Func<T, bool>, TaskCompletionSource<T>>> _waiters =
            new List<KeyValuePair<Func<T, bool>, TaskCompletionSource<T>>>();

        public int Count { get { lock (_lock) return _waiters.Count; } }

        /// <summary>The first published value matching <paramref name="match"/>, or null after <paramref name="timeout"/>.</summary>
        /// <param name="ready">Checked once the waiter is registered, so a value published just
        /// before the call is not missed: a non-null result is returned at once.</param>
        public async Task<T> WaitAsync(Func<T, bool> match, TimeSpan timeout, CancellationToken ct, Func<T> ready = null)
        {
            var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            var waiter = new KeyValuePair<Func<T, bool>, TaskCompletionSource<T>>(match, tcs);
            lock (_lock) _waiters.Add(waiter);
            try
            {
                var already = ready == null ? null : ready();
                if (already != null) return already;
                using (var delayCts = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    var done = await Task.WhenAny(tcs.Task, Task.Delay(timeout, delayCts.Token)).ConfigureAwait(false);
                    delayCts.Cancel();
                    ct.ThrowIfCancellationRequested();
                    return done == tcs.Task ? tcs.Task.Result : null;
                }
            }
            finally
            {
                lock (_lock) _waiters.Remove(waiter);
            }
        }

        /// <summary>Completes every waiter that matches; never throws (a bad matcher only misses).</summary>
        public void Publish(T value)
        {
            List<KeyValuePair<Func<T, bool>, TaskCompletionSource<T>>> snapshot;
            lock (_lock) snapshot = new List<KeyValuePair<Func<T, bool>, TaskCompletionSource<T>>>(_waiters);
            foreach (var waiter in snapshot)
            {
                bool matches;
                try
                {
                    matches = waiter.Key(value);
                }
                catch (Exception)
                {
                    matches = false;
                }
                if (matches) waiter.Value.TrySetResult(value);
            }
        }

        public void Clear()
        {
            lock (_lock) _waiters.Clear();
        }
    }
}
